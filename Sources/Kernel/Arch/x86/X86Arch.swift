import KernelCore

/// The platform interface the portable kernel code uses, for i686 and x86_64 (QEMU pc and
/// microvm). Word-size differences live in `TargetArch` (Arch/i686, Arch/x86_64).
enum Arch {
    static var name: StaticString { TargetArch.name }
    static var bootEntryCounter: UInt64 {
        UnsafePointer<UInt64>(bitPattern: symbolAddress(0))!.pointee
    }
    static var imageStart: UInt { symbolAddress(1) }
    static var imageEnd: UInt { symbolAddress(2) }
    /// Whether CR4.OSXSAVE was on when this kernel was entered: only the previous kernel's AVX
    /// hotswap stub turns it on (copy_and_enter.inc), no loader and no kernel.
    static var enteredWithAVXState: Bool {
        UnsafePointer<UInt32>(bitPattern: symbolAddress(5))!.pointee & (1 << 18) != 0
    }

    static func counter() -> UInt64 { rdtsc() }
    static func relax() { pause() }

    static func initializeConsole() { Serial16550.initialize() }
    static func consoleWrite(_ byte: UInt8) { Serial16550.write(byte) }

    /// Nothing to do: PCI and the command line are read when a device is opened.
    static func locateDevicesAfterSoftReset(_ platform: PlatformDevices) {}

    /// Nothing to describe, for the same reason.
    static func describePlatform(in block: inout SoftResetBlock) {}

    static func readBootInfo(magic: UInt, info: UInt) -> BootInfo {
        X86BootInfo.read(magic: UInt32(truncatingIfNeeded: magic), address: info)
    }

    /// An NMI watchdog that sees a spin with interrupts off (see `HangWatchdog`).
    static func armHangWatchdog() -> Bool { HangWatchdog.arm() }
    static func disarmHangWatchdog() { HangWatchdog.disarm() }

    static func installTraps() {
        LegacyPIC.remapAndMask()
        IOAPIC.maskAll()
        TargetArch.installTraps()
    }

    /// Measures the TSC and the local APIC timer against 10 ms of the PIT.
    static func calibrate() -> TimerCalibration {
        LocalAPIC.enable()
        LocalAPIC.startCalibrationCount()
        let window: UInt64 = 10
        guard let measured = IntervalTimer.measure(milliseconds: window, { (rdtsc(), LocalAPIC.currentCount) }) else {
            panic("timer calibration: the PIT does not count")
        }
        return TimerCalibration(counterHz: measured.counter * 1000 / window,
                                timerHz: UInt64(measured.apic) * 1000 / window)
    }

    static func startPeriodicTimer(hertz: UInt64, calibration: TimerCalibration) {
        LocalAPIC.enable()
        LocalAPIC.startPeriodicTimer(countsPerTick: UInt32(truncatingIfNeeded: calibration.timerHz / hertz))
    }

    static func enableInterrupts() { interruptsEnable() }
    static func disableInterrupts() { interruptsDisable() }
    /// Enables interrupts and sleeps until the next one. STI and HLT are adjacent in one routine:
    /// an interrupt pending at STI is taken only once HLT has started, so it cannot slip in
    /// between and leave the HLT waiting for the next tick (a lost wake-up).
    static func waitForInterrupt() { enableInterruptsAndHalt() }

    /// Powers off through QEMU's isa-debug-exit device (port 0xF4), which makes QEMU exit
    /// with (value << 1) | 1. The value is status + 1 so that QEMU's own failure (1) is
    /// never mistaken for success: exit code = 2 * status + 3.
    static func exit(_ status: ExitStatus) -> Never {
        disableInterrupts()
        Console.release()
        outl(0xF4, UInt32(status.rawValue) + 1)
        Console.write("exit: no isa-debug-exit device; halting\n")
        while true { halt() }
    }

    /// Asks the machine to reset, then triple-faults if it did not: a hypervisor whose
    /// instruction emulator cannot run a triple fault (kvm-pvm) still resets through a device.
    /// pc: the PIIX reset control register (port 0xCF9, full system reset), then the keyboard
    /// controller's reset line; microvm: the ACPI generic event device's reset register. A
    /// machine without one of these ignores the write.
    static func hardReset() -> Never {
        Console.release()
        disableInterrupts()
        outb(0xCF9, 0x06)
        outb(0x64, 0xFE)
        MMIORegion(base: 0xFEA0_0200).write8(0x02, 0x42)
        tripleFault()
        while true { halt() }
    }

    static func hardwareRandom() -> UInt64? {
        guard cpuid(1).ecx & (1 << 30) != 0 else { return nil }
        var value: UInt64 = 0
        return rdrand64(&value) != 0 ? value : nil
    }
}

/// Frequencies measured on a cold boot and carried over a soft reset.
struct TimerCalibration {
    var counterHz: UInt64
    var timerHz: UInt64
}

import KernelCore

/// The platform interface the portable kernel code uses, for aarch64 on QEMU virt.
enum Arch {
    static let name: StaticString = "aarch64"
    static let ramBase: UInt = 0x4000_0000
    static let virtualTimerInterrupt: UInt32 = 27   // PPI 11
    nonisolated(unsafe) private static var ticksPerTimerInterrupt: UInt64 = 0
    /// The platform devices the previous kernel described, when it did.
    nonisolated(unsafe) private static var adoptedPlatform: PlatformDevices?

    static var bootEntryCounter: UInt64 {
        UnsafePointer<UInt64>(bitPattern: symbolAddress(0))!.pointee
    }
    static var imageStart: UInt { symbolAddress(1) }
    static var imageEnd: UInt { symbolAddress(2) }

    static func counter() -> UInt64 { readCounter() }
    static func relax() {}

    static func initializeConsole() { PL011.initialize() }
    static func consoleWrite(_ byte: UInt8) { PL011.write(byte) }

    /// QEMU passes the device tree at the RAM base (and in X0 for Linux-style images).
    /// Runs before the heap exists: nothing here may allocate.
    static func readBootInfo(magic: UInt, info: UInt) -> BootInfo {
        guard let tree = deviceTree(at: magic) ?? deviceTree(at: ramBase) else {
            panic("boot info: no device tree at X0 or at the RAM base")
        }
        Platform.locateDevices(in: tree)
        return BootInfo(memoryMap: tree, commandLine: tree.bootArguments, firstModule: tree.initrd)
    }

    /// A soft reset skips the loader's boot info: take the device addresses the previous kernel
    /// described, or else from the device tree QEMU left at the RAM base (about 400,000
    /// instructions, the block's way about 100).
    static func locateDevicesAfterSoftReset(_ platform: PlatformDevices) {
        guard !platform.isEmpty else {
            if let tree = deviceTree(at: ramBase) { Platform.locateDevices(in: tree) }
            return
        }
        adoptedPlatform = platform
        PL011.registers = MMIORegion(base: UInt(platform.console))
        GICv2.distributor = MMIORegion(base: UInt(platform.interruptDistributor))
        GICv2.cpuInterface = MMIORegion(base: UInt(platform.interruptCPUInterface))
        if platform.networkSlot != 0 { VirtioMMIOSlots.add(UInt(platform.networkSlot), interrupt: platform.networkInterrupt) }
    }

    /// Where the console, the GIC and the network card are, for the next kernel. A kernel that
    /// never opened the card (one failing early on trial) passes on what it was given, or
    /// nothing, so that the next one does not go without a card.
    static func describePlatform(in block: inout SoftResetBlock) {
        guard let network = NetworkInterrupt.slot else {
            block.platform = adoptedPlatform ?? PlatformDevices()
            return
        }
        block.platform.console = UInt64(PL011.registers.base)
        block.platform.interruptDistributor = UInt64(GICv2.distributor.base)
        block.platform.interruptCPUInterface = UInt64(GICv2.cpuInterface.base)
        block.platform.networkSlot = network.base
        block.platform.networkInterrupt = network.interrupt
    }

    private static func deviceTree(at address: UInt) -> DeviceTree? {
        guard address >= ramBase, let blob = UnsafeRawPointer(bitPattern: address) else { return nil }
        return try? DeviceTree(blob: blob)
    }

    static func installTraps() { GICv2.initialize() }

    /// While an update is on trial the timer tick is an FIQ, which `disableInterrupts` (IRQ
    /// only) does not hold off, so a spin with interrupts off still meets the deadline check.
    static func armHangWatchdog() -> Bool {
        GICv2.signalAsFIQ(interrupt: virtualTimerInterrupt, true)
        fiqEnable()
        return true
    }

    static func disarmHangWatchdog() {
        fiqDisable()
        GICv2.signalAsFIQ(interrupt: virtualTimerInterrupt, false)
    }

    /// The architected counter states its own frequency: nothing to measure.
    static func calibrate() -> TimerCalibration {
        let hertz = readCounterFrequency()
        return TimerCalibration(counterHz: hertz, timerHz: hertz)
    }

    static func startPeriodicTimer(hertz: UInt64, calibration: TimerCalibration) {
        ticksPerTimerInterrupt = calibration.timerHz / hertz
        GICv2.enable(interrupt: virtualTimerInterrupt)
        setVirtualTimer(ticksFromNow: ticksPerTimerInterrupt)
        setVirtualTimerControl(1)
    }

    static func timerInterrupt() {
        setVirtualTimer(ticksFromNow: ticksPerTimerInterrupt)
        Clock.tick()
    }

    static func enableInterrupts() { interruptsEnable() }
    static func disableInterrupts() { interruptsDisable() }
    /// Sleeps until an interrupt is pending, then enables interrupts so that it is taken. WFI
    /// wakes on a pending IRQ even while PSTATE.I masks it; enabling first would let one
    /// arrive before the WFI and leave it waiting for the next tick (a lost wake-up).
    static func waitForInterrupt() {
        waitForInterruptInstruction()
        interruptsEnable()
    }

    /// Semihosting SYS_EXIT with ADP_Stopped_ApplicationExit makes QEMU exit with the given
    /// code (liu enables semihosting); without semihosting, PSCI SYSTEM_OFF. The code is
    /// 2 * status + 3, as isa-debug-exit produces on x86, so that 0 (power-off) and 1 (QEMU's
    /// own failure) never read as a status.
    static func exit(_ status: ExitStatus) -> Never {
        disableInterrupts()
        Console.release()
        var block: (UInt64, UInt64) = (0x20026, 2 * UInt64(status.rawValue) + 3)
        _ = withUnsafeBytes(of: &block) { semihostingCall(0x18, $0.baseAddress!) }
        _ = hypervisorCall(0x8400_0008, 0, 0, 0)
        while true { waitForInterruptInstruction() }
    }

    /// PSCI SYSTEM_RESET.
    static func hardReset() -> Never {
        Console.release()
        _ = hypervisorCall(0x8400_0009, 0, 0, 0)
        while true { waitForInterruptInstruction() }
    }

    static func hardwareRandom() -> UInt64? {
        var value: UInt64 = 0
        return readRandom(&value) != 0 ? value : nil
    }
}

/// Frequencies measured on a cold boot and carried over a soft reset.
struct TimerCalibration {
    var counterHz: UInt64
    var timerHz: UInt64
}

/// Device addresses from the device tree (the defaults are QEMU virt's).
enum Platform {
    static func locateDevices(in tree: DeviceTree) {
        VirtioMMIOSlots.addFromDeviceTree(tree)
        if let uart = tree.firstNode(compatible: "arm,pl011"), let reg = uart.reg(index: 0) {
            PL011.registers = MMIORegion(base: UInt(reg.address))
        }
        if let gic = tree.firstNode(compatible: "arm,cortex-a15-gic"),
           let distributor = gic.reg(index: 0), let cpuInterface = gic.reg(index: 1) {
            GICv2.distributor = MMIORegion(base: UInt(distributor.address))
            GICv2.cpuInterface = MMIORegion(base: UInt(cpuInterface.address))
        } else if tree.firstNode(compatible: "arm,gic-v3") != nil {
            panic("GICv3 is not supported yet: run QEMU virt with gic-version=2")
        }
    }
}

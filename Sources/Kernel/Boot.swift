/// The portable boot sequence. Every stage is recorded in the boot timeline; calibration
/// is a stage of its own because a soft reset will skip it.
@_cdecl("kernel_main")
func kernelMain(_ magic: UInt, _ info: UInt) -> Never {
    BootTimeline.record("entry code")
    Arch.initializeConsole()
    BootTimeline.record("console")

    let boot = Arch.readBootInfo(magic: magic, info: info)
    BootTimeline.record("boot info + memory map")

    let heapEnd = StorageArea.reserve(usableStart: boot.usableStart, usableEnd: boot.usableEnd)
    Memory.setUp(usableStart: boot.usableStart, usableEnd: heapEnd)
    BootTimeline.record("heap")

    Arch.installTraps()
    BootTimeline.record("exception handlers")

    let calibration = Arch.calibrate()
    Clock.setFrequency(calibration.counterHz)
    BootTimeline.record("timer calibration")

    Arch.startPeriodicTimer(hertz: Kernel.tickHertz, calibration: calibration)
    Arch.enableInterrupts()
    BootTimeline.record("interrupts + timer")

    Kernel.boot = boot
    Kernel.calibration = calibration
    Services.start()
}

enum Kernel {
    static let tickHertz: UInt64 = 100
    nonisolated(unsafe) static var boot = BootInfo()
    nonisolated(unsafe) static var calibration = TimerCalibration(counterHz: 0, timerHz: 0)
}

import LiveUpdate

/// The portable boot sequence. Every stage is recorded in the boot timeline; calibration
/// is a stage of its own because a soft reset skips it, taking it (and the memory layout)
/// from the soft-reset block the hotswap stub passes instead of loader information.
@_cdecl("kernel_main")
func kernelMain(_ magic: UInt, _ info: UInt) -> Never {
    BootTimeline.record("entry code")
    Arch.initializeConsole()
    BootTimeline.record("console")

    let softReset = SoftResetBoot.receive(magic: magic, info: info)
    let boot = softReset.map(SoftResetBoot.bootInfo)
        ?? Arch.readBootInfo(magic: SoftResetBoot.loaderMagic(magic), info: info)
    if let softReset { Arch.locateDevicesAfterSoftReset(softReset.platform) }
    CRC32C.hardwareAllowed = !BootArguments.value(for: "crc32c").matches("software")
    BootTimeline.record("boot info + memory map", skipped: SoftResetBoot.happened)

    let storageStart = softReset.map(SoftResetBoot.adoptStorageArea)
        ?? StorageArea.reserve(usableStart: boot.usableStart, usableEnd: boot.usableEnd)
    let slotStart = softReset.map(RollbackSlot.adopt) ?? RollbackSlot.reserve(below: storageStart, usableStart: boot.usableStart)
    let heapEnd = softReset.map(DeviceMemory.adopt) ?? DeviceMemory.reserve(below: slotStart, usableStart: boot.usableStart)
    Memory.setUp(usableStart: boot.usableStart, usableEnd: heapEnd)
    SoftResetBoot.adoptUpdateRecord()
    BootTimeline.record("heap")

    Arch.installTraps()
    BootTimeline.record("exception handlers")

    let calibration = softReset.map(SoftResetBoot.calibration) ?? Arch.calibrate()
    Clock.setFrequency(calibration.counterHz)
    BootTimeline.record("timer calibration", skipped: SoftResetBoot.happened)

    Arch.startPeriodicTimer(hertz: Kernel.tickHertz, calibration: calibration)
    Arch.enableInterrupts()
    BootTimeline.record("interrupts + timer")

    Kernel.boot = boot
    Kernel.calibration = calibration
    Trial.begin(softReset)
    FaultInjection.early()
    ServiceEntry.start()
}

enum Kernel {
    static let tickHertz: UInt64 = 100
    nonisolated(unsafe) static var boot = BootInfo()
    nonisolated(unsafe) static var calibration = TimerCalibration(counterHz: 0, timerHz: 0)
}

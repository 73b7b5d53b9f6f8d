/// Catches a kernel on trial that spins with interrupts off, which the timer-tick watchdog
/// cannot see: the PIT (channel 0, 100 Hz) is routed through the I/O APIC (ISA IRQ 0 is GSI 2
/// on QEMU's pc and microvm) as an NMI, which `cli` does not hold off. Armed while an update is
/// on trial, disarmed when it is confirmed.
enum HangWatchdog {
    static let gsi: UInt32 = 2
    static let hertz: UInt64 = 100

    /// Whether the NMI could be routed (false: no I/O APIC pin for the PIT).
    static func arm() -> Bool {
        let divisor = UInt16(IntervalTimer.hertz / hertz)
        outb(0x43, 0x34)                    // channel 0, lobyte/hibyte, mode 2 (rate generator)
        outb(0x40, UInt8(divisor & 0xFF))
        outb(0x40, UInt8(divisor >> 8))
        return IOAPIC.routeAsNMI(gsi: gsi)
    }

    static func disarm() {
        IOAPIC.mask(gsi: gsi)
        outb(0x43, 0x30)                    // channel 0 back to a one-shot count: no more edges
    }
}

/// The 8254 PIT, used once per cold boot as the reference clock for calibration. Channel 0
/// is polled through latched reads, which works on `pc` and `microvm` alike (microvm has no
/// port 0x61 gate for channel 2).
enum IntervalTimer {
    static let hertz: UInt64 = 1_193_182

    /// Samples `sample` at the start and end of `milliseconds` of PIT time; returns the
    /// differences, or nil when the PIT does not count (no PIT on this machine).
    static func measure(milliseconds: UInt64, _ sample: () -> (UInt64, UInt32)) -> (counter: UInt64, apic: UInt32)? {
        let wanted = UInt16(hertz * milliseconds / 1000)
        outb(0x43, 0x30)                    // channel 0, lobyte/hibyte, mode 0
        outb(0x40, 0xFF)
        outb(0x40, 0xFF)
        let first = count()
        var spins = 0
        while count() == first {
            spins += 1
            if spins > 100_000 { return nil }
        }
        let startCount = count()
        let start = sample()
        while startCount &- count() < wanted {}
        let end = sample()
        return (end.0 &- start.0, start.1 &- end.1)
    }

    private static func count() -> UInt16 {
        outb(0x43, 0x00)                    // latch channel 0
        let low = UInt16(inb(0x40))
        return low | UInt16(inb(0x40)) << 8
    }
}

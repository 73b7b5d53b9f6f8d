/// Monotonic time from the CPU's free-running counter (TSC on x86, CNTVCT on ARM).
/// The counter frequency comes from calibration on a cold boot and is carried over a
/// soft reset, which is why calibration is a separate boot stage.
enum Clock {
    nonisolated(unsafe) private(set) static var counterHz: UInt64 = 0
    nonisolated(unsafe) private static var multiplier: UInt64 = 0
    nonisolated(unsafe) private static var shift: UInt64 = 0
    /// Periodic timer interrupts taken since the timer started.
    nonisolated(unsafe) static var ticks: UInt64 = 0

    /// The periodic timer fired (its interrupt already acknowledged): count it and run the
    /// update watchdog, which may roll back from here.
    static func tick() {
        ticks &+= 1
        Trial.watchdogTick()
    }

    static var isCalibrated: Bool { counterHz != 0 }

    static func setFrequency(_ hertz: UInt64) {
        counterHz = hertz
        // ns = ticks * multiplier >> shift with the largest shift that keeps the multiplier
        // below 2^32, so the conversion needs no 128-bit arithmetic (i686 has none).
        var candidate: UInt64 = 32
        while candidate > 0 {
            let m = (1_000_000_000 << candidate) / hertz
            if m < (1 << 32) {
                multiplier = m
                shift = candidate
                return
            }
            candidate -= 1
        }
        multiplier = 1_000_000_000 / hertz
        shift = 0
    }

    static func nanoseconds(counterTicks: UInt64) -> UInt64 {
        let low = counterTicks & 0xFFFF_FFFF
        let high = counterTicks >> 32
        return ((high &* multiplier) << (32 - shift)) &+ ((low &* multiplier) >> shift)
    }

    /// Nanoseconds since the first instruction of this boot.
    static func now() -> UInt64 {
        nanoseconds(counterTicks: Arch.counter() &- Arch.bootEntryCounter)
    }

    static func counterTicks(nanoseconds: UInt64) -> UInt64 {
        nanoseconds / 1000 * counterHz / 1_000_000
    }

    /// Busy-waits; for device start-up delays, not for services.
    static func spin(nanoseconds: UInt64) {
        let end = Arch.counter() &+ counterTicks(nanoseconds: nanoseconds)
        while Arch.counter() < end { Arch.relax() }
    }
}

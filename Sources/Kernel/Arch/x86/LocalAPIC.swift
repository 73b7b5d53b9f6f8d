/// The local APIC (xAPIC, memory-mapped): periodic timer and end-of-interrupt.
enum LocalAPIC {
    static let timerVector: UInt8 = 0x30
    static let spuriousVector: UInt8 = 0xFF
    nonisolated(unsafe) private static var registers = MMIORegion(base: 0xFEE0_0000)

    static var isPresent: Bool { cpuid(1).edx & (1 << 9) != 0 }

    static func enable() {
        let baseMSR = rdmsr(0x1B)
        registers = MMIORegion(base: UInt(truncatingIfNeeded: baseMSR & 0xFFFF_F000))
        wrmsr(0x1B, baseMSR | (1 << 11))                          // global enable
        registers.write32(0xF0, 0x100 | UInt32(spuriousVector))   // software enable
        registers.write32(0x3E0, 0x3)                             // timer divide by 16
    }

    /// Starts a free count-down for calibration: returns the current count on each call.
    static func startCalibrationCount() { registers.write32(0x380, 0xFFFF_FFFF) }
    static var currentCount: UInt32 { registers.read32(0x390) }

    static func startPeriodicTimer(countsPerTick: UInt32) {
        registers.write32(0x320, (1 << 17) | UInt32(timerVector))
        registers.write32(0x380, max(countsPerTick, 1))
    }

    static func stopTimer() {
        registers.write32(0x320, 1 << 16)
        registers.write32(0x380, 0)
    }

    static func endOfInterrupt() { registers.write32(0xB0, 0) }
}

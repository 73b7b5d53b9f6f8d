/// CRC32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF).
///
/// The hardware engine (SSE4.2 on x86, the ARMv8 CRC32 extension on aarch64) is chosen at run
/// time when the CPU has it; both engines give identical results.
public enum CRC32C {
    public enum Engine: Sendable {
        case software
        case hardware
    }

    static let reflectedPolynomial: UInt32 = 0x82F6_3B78

    /// Whether this CPU has CRC32C instructions.
    public static var hasHardwareSupport: Bool { HardwareCRC32C.isAvailable }

    /// Whether the hardware engine may be used. A kernel clears it for `crc32c=software`:
    /// some hypervisors' instruction emulators (kvm-pvm) cannot execute the CRC32 instruction,
    /// and their guests see the host's CPUID, so the CPU check alone cannot tell.
    public nonisolated(unsafe) static var hardwareAllowed = true

    /// The engine `checksum` uses by default: hardware when available and allowed.
    public static var bestEngine: Engine { hasHardwareSupport && hardwareAllowed ? .hardware : .software }

    /// The CRC32C of `bytes`. Pass an earlier result as `continuing` to checksum data in pieces.
    /// Asking for `.hardware` on a CPU without it, or while it is not allowed, falls back to
    /// software.
    public static func checksum(
        _ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0, engine: Engine = bestEngine
    ) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        let register = ~crc
        switch engine {
        case .hardware where hasHardwareSupport && hardwareAllowed:
            return ~HardwareCRC32C.update(register, base, bytes.count)
        case .hardware, .software:
            return ~SoftwareCRC32C.update(register, base, bytes.count)
        }
    }

    public static func checksum(
        _ bytes: [UInt8], continuing crc: UInt32 = 0, engine: Engine = bestEngine
    ) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc, engine: engine) }
    }

    /// The CRC32C of the concatenation `A + B`, given `crcA`, `crcB` and the length of B.
    public static func combine(_ crcA: UInt32, _ crcB: UInt32, lengthB: UInt64) -> UInt32 {
        GF2Polynomial.multiply(crcA, GF2Polynomial.xPower(8 * lengthB)) ^ crcB
    }
}

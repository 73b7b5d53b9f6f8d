import TestSupport
@testable import LiveUpdate
import Testing

@Suite("CRC32C")
struct CRC32CTests {
    static let engines: [CRC32C.Engine] = [.software, .hardware]

    /// Check values from RFC 3720 appendix B.4 and the common "123456789" check.
    static let published: [(bytes: [UInt8], crc: UInt32)] = [
        (Array("123456789".utf8), 0xE306_9283),
        ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
        ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
        ((0..<32).map { UInt8($0) }, 0x46DD_794E),
        ((0..<32).map { UInt8(31 - $0) }, 0x113F_DB5C),
        ([], 0),
    ]

    @Test("published check values", arguments: engines)
    func publishedValues(engine: CRC32C.Engine) {
        for (bytes, crc) in Self.published {
            #expect(CRC32C.checksum(bytes, engine: engine) == crc)
        }
    }

    /// `hardwareAllowed` is what `crc32c=software` clears in the kernel (for kvm-pvm).
    @Test("this x86_64/aarch64 host has the CRC32C instructions, used unless not allowed")
    func hostHasHardware() {
        #if arch(x86_64) || arch(arm64)
        #expect(CRC32C.hasHardwareSupport)
        #expect(CRC32C.bestEngine == .hardware)
        CRC32C.hardwareAllowed = false
        defer { CRC32C.hardwareAllowed = true }
        #expect(CRC32C.bestEngine == .software)
        for (bytes, crc) in Self.published { #expect(CRC32C.checksum(bytes, engine: .hardware) == crc) }
        #endif
    }

    /// Lengths around every path switch of the engines (8-byte words, the 3 x 256 and
    /// 3 x 4096 interleaved groups), at every misalignment.
    @Test("hardware and software agree on random buffers")
    func enginesAgree() {
        var random = SplitMix64(seed: 1)
        let data = random.bytes(200_000)
        let lengths = [0, 1, 7, 8, 9, 15, 16, 767, 768, 769, 1536, 12_287, 12_288, 12_289, 13_056, 24_576 + 775, 199_990]
        data.withUnsafeBytes { all in
            for length in lengths {
                for shift in 0..<8 {
                    let slice = UnsafeRawBufferPointer(rebasing: all[shift..<(shift + length)])
                    let software = CRC32C.checksum(slice, engine: .software)
                    #expect(CRC32C.checksum(slice, engine: .hardware) == software, "length \(length) shift \(shift)")
                }
            }
        }
    }

    #if arch(x86_64)
    @Test("the three-stream strides' constants are x^(8*block-33) and x^(16*block-33) mod P")
    func strideConstants() {
        for stride in ThreeStreamCRC32C.strides {
            #expect(stride.block > 0 && stride.block % 32 == 0, "liu_crc32c_hw3 takes blocks of 32-byte rounds: \(stride.block)")
            #expect(stride.k1 == UInt64(GF2Polynomial.xPower(UInt64(8 * stride.block - 33))), "block \(stride.block)")
            #expect(stride.k2 == UInt64(GF2Polynomial.xPower(UInt64(16 * stride.block - 33))), "block \(stride.block)")
        }
    }
    #endif

    @Test("continuing a checksum over pieces equals the whole", arguments: engines)
    func continuing(engine: CRC32C.Engine) {
        var random = SplitMix64(seed: 2)
        let data = random.bytes(40_000)
        let whole = CRC32C.checksum(data, engine: engine)
        for cut in [0, 1, 13, 12_288, 39_999, 40_000] {
            let first = CRC32C.checksum(Array(data[..<cut]), engine: engine)
            #expect(CRC32C.checksum(Array(data[cut...]), continuing: first, engine: engine) == whole)
        }
    }

    @Test("combine(A, B) equals the checksum of A + B")
    func combine() {
        var random = SplitMix64(seed: 3)
        for _ in 0..<50 {
            let a = random.bytes(Int.random(in: 0...5000, using: &random))
            let b = random.bytes(Int.random(in: 0...5000, using: &random))
            let combined = CRC32C.combine(CRC32C.checksum(a), CRC32C.checksum(b), lengthB: UInt64(b.count))
            #expect(combined == CRC32C.checksum(a + b))
        }
    }
}

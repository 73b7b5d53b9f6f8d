@testable import LiveUpdate
import TestSupport
import Testing

/// The soft-reset block's heap-free CRC32C against the `CRC32C` engines.
@Suite("Block CRC32C")
struct BlockCRC32CTests {
    @Test("every table entry is the bitwise CRC of its byte")
    func table() {
        withUnsafeBytes(of: &BlockCRC32C.table) { table in
            #expect(table.count == 1024)
            for byte in 0..<256 {
                var register = UInt32(byte)
                for _ in 0..<8 { register = register & 1 != 0 ? (register >> 1) ^ CRC32C.reflectedPolynomial : register >> 1 }
                #expect(table.load(fromByteOffset: 4 * byte, as: UInt32.self) == register, "entry \(byte)")
            }
        }
    }

    static var engines: [BlockCRC32C.Engine] { HardwareCRC32C.isAvailable ? [.table, .hardware] : [.table] }

    @Test("the same value as CRC32C.checksum, with the checksum field read as zero",
          arguments: [0, 4, 1404, 700, SoftResetBlock.size - 4], engines)
    func agreesWithTheEngines(zeroed: Int, engine: BlockCRC32C.Engine) {
        var random = SplitMix64(seed: 16)
        var bytes = random.bytes(SoftResetBlock.size)
        let value = bytes.withUnsafeBytes { BlockCRC32C.checksum($0.baseAddress!, count: $0.count, zeroed: zeroed, engine: engine) }
        bytes.replaceSubrange(zeroed..<(zeroed + 4), with: [0, 0, 0, 0])
        #expect(value == CRC32C.checksum(bytes, engine: .software))
        #expect(value == CRC32C.checksum(bytes))
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283, "the check value of CRC-32C")
    }
}

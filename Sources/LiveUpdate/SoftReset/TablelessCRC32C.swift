/// CRC32C bit by bit, without tables: the new kernel checks the soft-reset block before its
/// heap exists, and both `CRC32C` engines build their tables on the heap on first use. Gives
/// the same values as `CRC32C.checksum`; fast enough for the block's 1152 bytes.
enum TablelessCRC32C {
    static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var register = ~crc
        for byte in bytes {
            register ^= UInt32(byte)
            for _ in 0..<8 {
                register = register & 1 != 0 ? (register >> 1) ^ CRC32C.reflectedPolynomial : register >> 1
            }
        }
        return ~register
    }
}

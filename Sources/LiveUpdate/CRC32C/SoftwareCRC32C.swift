/// Table-driven CRC32C, slicing by 8: eight 256-entry tables let one step fold 8 input bytes.
enum SoftwareCRC32C {
    private static let tableCount = 8

    /// tables[k * 256 + b] is the register contribution of byte b followed by k zero bytes.
    /// Allocated once and never freed: array bounds checks would halve the throughput.
    /// Never written after initialization, hence safe to share.
    nonisolated(unsafe) private static let tables: UnsafePointer<UInt32> = {
        let tables = UnsafeMutablePointer<UInt32>.allocate(capacity: tableCount * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 != 0 ? (crc >> 1) ^ CRC32C.reflectedPolynomial : crc >> 1
            }
            tables[byte] = crc
        }
        for index in 256..<(tableCount * 256) {
            let previous = tables[index - 256]
            tables[index] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
        }
        return UnsafePointer(tables)
    }()

    /// Advances the raw (un-inverted) CRC register over `count` bytes at `bytes`.
    static func update(_ register: UInt32, _ bytes: UnsafeRawPointer, _ count: Int) -> UInt32 {
        let t = tables
        var crc = register
        var position = bytes
        var remaining = count
        while remaining >= 8 {
            let word = UInt64(littleEndian: position.loadUnaligned(as: UInt64.self))
            let low = UInt32(truncatingIfNeeded: word) ^ crc
            let high = UInt32(truncatingIfNeeded: word >> 32)
            crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
            position += 8
            remaining -= 8
        }
        while remaining > 0 {
            crc = (crc >> 8) ^ t[Int((crc ^ UInt32(position.load(as: UInt8.self))) & 0xFF)]
            position += 1
            remaining -= 1
        }
        return crc
    }
}

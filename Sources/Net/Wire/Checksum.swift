/// RFC 1071 Internet checksum. The one's-complement sum is byte-order independent, so the
/// buffer is summed in native 32-bit words and swapped once at the end.
public struct InternetChecksum {
    private var sum: UInt64 = 0
    private var odd = false   // an odd-length chunk was added; the next byte pairs with it

    public init() {}

    /// Adds a big-endian 16-bit value (pseudo-header fields).
    public mutating func add(_ value: UInt16) {
        sum &+= UInt64(UInt16(bigEndian: value))
    }

    public mutating func add(_ value: UInt32) {
        add(UInt16(truncatingIfNeeded: value >> 16))
        add(UInt16(truncatingIfNeeded: value))
    }

    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var index = 0
        var count = bytes.count
        if odd {
            // Complete the pending 16-bit word: this byte is its low-order (second) byte.
            sum &+= UInt64(UInt16(bigEndian: UInt16(bytes[0])))
            index = 1
            count -= 1
            odd = false
        }
        var local: UInt64 = 0
        while count >= 4 {
            local &+= UInt64(base.loadUnaligned(fromByteOffset: index, as: UInt32.self))
            index += 4
            count -= 4
        }
        if count >= 2 {
            local &+= UInt64(base.loadUnaligned(fromByteOffset: index, as: UInt16.self))
            index += 2
            count -= 2
        }
        if count == 1 {
            local &+= UInt64(UInt16(bigEndian: UInt16(bytes[index]) << 8))
            odd = true
        }
        sum &+= local
    }

    /// The checksum in host order, ready to be stored big-endian.
    public var value: UInt16 {
        var folded = sum
        while folded > 0xFFFF { folded = (folded & 0xFFFF) &+ (folded >> 16) }
        return ~UInt16(bigEndian: UInt16(truncatingIfNeeded: folded))
    }

    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        var checksum = InternetChecksum()
        checksum.add(bytes)
        return checksum.value
    }
}

import Kernel

/// Little-endian integers and length-prefixed byte strings, the layout of the saved keyspace
/// and sessions (`KeyspaceSnapshot`, `Session`).
extension Array where Element == UInt8 {
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// The length (32 bits) then the bytes.
    mutating func appendField(_ bytes: Bytes) {
        appendLE(UInt32(bytes.count))
        append(contentsOf: bytes)
    }
}

/// Reads what `appendLE` and `appendField` wrote; every read is checked against the end.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }

    mutating func integer<T: FixedWidthInteger>(_ type: T.Type) -> T? {
        guard bytes.count - position >= MemoryLayout<T>.size else { return nil }
        defer { position += MemoryLayout<T>.size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
    }

    mutating func field() -> Bytes? {
        guard let length = integer(UInt32.self), UInt64(length) <= UInt64(bytes.count - position) else { return nil }
        defer { position += Int(length) }
        return Bytes(bytes[position..<position + Int(length)])
    }
}

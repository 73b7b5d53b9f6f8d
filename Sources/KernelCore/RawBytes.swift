/// Bounds-checked reads from untrusted memory: every accessor returns nil instead of reading
/// outside the buffer.
extension UnsafeRawBufferPointer {
    func bigEndianUInt32(at offset: Int) -> UInt32? {
        load(UInt32.self, at: offset)?.bigEndian
    }

    func bigEndianUInt64(at offset: Int) -> UInt64? {
        load(UInt64.self, at: offset)?.bigEndian
    }

    func littleEndianUInt32(at offset: Int) -> UInt32? {
        load(UInt32.self, at: offset)?.littleEndian
    }

    func littleEndianUInt64(at offset: Int) -> UInt64? {
        load(UInt64.self, at: offset)?.littleEndian
    }

    /// The bytes from `offset` up to (not including) the next NUL; nil if there is no NUL.
    func cString(at offset: Int) -> UnsafeRawBufferPointer? {
        guard offset >= 0, offset < count, let base = baseAddress else { return nil }
        var end = offset
        while end < count {
            if self[end] == 0 {
                return UnsafeRawBufferPointer(start: base + offset, count: end - offset)
            }
            end += 1
        }
        return nil
    }

    /// The `length` bytes at `offset`, or nil if they are not all inside the buffer.
    func slice(at offset: Int, length: Int) -> UnsafeRawBufferPointer? {
        guard offset >= 0, length >= 0, offset <= count, length <= count - offset else { return nil }
        return UnsafeRawBufferPointer(rebasing: self[offset..<offset + length])
    }

    func equals(_ string: StaticString) -> Bool {
        string.withUTF8Buffer { utf8 in
            utf8.count == count && zip(utf8, self).allSatisfy { $0 == $1 }
        }
    }

    private func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T? {
        guard let bytes = slice(at: offset, length: MemoryLayout<T>.size) else { return nil }
        return bytes.loadUnaligned(as: type)
    }
}

/// Decoding of the payloads with inner structure (VECTOR, STRING_VECTOR); used both when an
/// area is validated and when an entry is read, so both apply the same checks.
enum CompoundPayload {
    /// The element count and size of a VECTOR payload whose counts agree with its length.
    static func vectorShape(
        _ payload: UnsafeRawBufferPointer, at offset: Int
    ) throws(StorageError) -> (count: Int, elementSize: Int) {
        guard let base = payload.baseAddress, payload.count >= StorageLayout.vectorHeaderSize else {
            throw .malformedPayload(offset: offset)
        }
        let count = base.loadLE(at: 0, as: UInt32.self)
        let elementSize = base.loadLE(at: 4, as: UInt32.self)
        let elementBytes = UInt64(payload.count - StorageLayout.vectorHeaderSize)
        guard elementSize > 0, UInt64(count) * UInt64(elementSize) == elementBytes else {
            throw .malformedPayload(offset: offset)
        }
        // count * elementSize fits the payload length, so both fit in Int.
        return (Int(count), Int(elementSize))
    }

    /// Calls `body` with the UTF-8 bytes of each element of a STRING_VECTOR payload, after
    /// checking that the elements exactly fill the payload.
    static func forEachString(
        in payload: UnsafeRawBufferPointer, at offset: Int,
        _ body: (UnsafeRawBufferPointer) -> Void = { _ in }
    ) throws(StorageError) {
        guard let base = payload.baseAddress, payload.count >= 4 else {
            throw .malformedPayload(offset: offset)
        }
        let count = base.loadLE(at: 0, as: UInt32.self)
        var position = 4
        for _ in 0..<count {
            guard payload.count - position >= 4 else { throw .malformedPayload(offset: offset) }
            let length = base.loadLE(at: position, as: UInt32.self)
            position += 4
            guard UInt64(length) <= UInt64(payload.count - position) else {
                throw .malformedPayload(offset: offset)
            }
            body(UnsafeRawBufferPointer(start: base + position, count: Int(length)))
            position += Int(length)
        }
        guard position == payload.count else { throw .malformedPayload(offset: offset) }
    }

    /// Checks the inner structure of `entry`'s payload, if its type has one.
    static func check(_ entry: EntryHeader, in area: UnsafeRawPointer) throws(StorageError) {
        let payload = UnsafeRawBufferPointer(
            start: area + entry.payloadOffset, count: entry.payloadLength)
        switch entry.type {
        case .vector: _ = try vectorShape(payload, at: entry.offset)
        case .stringVector: try forEachString(in: payload, at: entry.offset)
        default: break
        }
    }
}

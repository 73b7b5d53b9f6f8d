/// A forward-only cursor over a validated stored area; handed to `LiveUpdate.resume`'s closure.
///
/// The `as...` accessors read the current entry without moving; `next()` moves on. Every
/// accessor checks the entry's type and size and reads only inside the stored length.
public struct Restore: ~Copyable {
    private let area: UnsafeRawPointer
    private let totalLength: Int
    private var current: EntryHeader

    init(area: UnsafeRawPointer, storedSize: Int) throws(StorageError) {
        self.area = area
        totalLength = storedSize - StorageLayout.canarySize
        current = try EntryHeader(reading: area, at: StorageLayout.headerSize, totalLength: totalLength)
    }

    public var type: EntryType { current.type }
    public var id: UInt16 { current.id }
    /// The raw length field: the payload size, or the value of an INT entry.
    public var length: Int32 { current.lengthField }
    public var isEnd: Bool { current.type == .end }
    public var isMarker: Bool { current.type == .marker }

    /// Moves to the following entry. Throws `pastEnd` on END.
    public mutating func next() throws(StorageError) {
        guard !isEnd else { throw .pastEnd }
        current = try EntryHeader(reading: area, at: current.nextOffset, totalLength: totalLength)
    }

    /// Skips entries up to the next marker and moves past it; returns the marker's id.
    @discardableResult
    public mutating func popMarker() throws(StorageError) -> UInt16 {
        try skipToMarker()
        let markerID = current.id
        try next()
        return markerID
    }

    /// Skips entries up to the next marker, which must have `id`, and moves past it.
    /// On a different id it throws and stays on that marker.
    public mutating func popMarker(id: UInt16) throws(StorageError) {
        try skipToMarker()
        guard current.id == id else { throw .markerIDMismatch(expected: id, found: current.id) }
        try next()
    }

    private mutating func skipToMarker() throws(StorageError) {
        while !isMarker {
            guard !isEnd else { throw .markerNotFound }
            try next()
        }
    }

    /// Calls `body` with the cursor on each entry up to the next marker (or END), then leaves
    /// the cursor on that marker: a service reads its own group this way, matching `id`s it
    /// knows and passing over the others (written by a newer version of it).
    public mutating func forEachEntry(_ body: (borrowing Restore) throws(StorageError) -> Void) throws(StorageError) {
        while !isEnd && !isMarker {
            try body(self)
            try next()
        }
    }

    /// Abandons the remaining entries: the cursor moves to END.
    public mutating func cancel() {
        current = .end(ofAreaWithLength: totalLength)
    }

    // MARK: - Reading the current entry

    /// INT or INT64 as a 64-bit value.
    public func asInt64() throws(StorageError) -> Int64 {
        switch current.type {
        case .int: return Int64(current.lengthField)
        case .int64: return area.loadLE(at: current.payloadOffset, as: Int64.self)
        default: throw .typeMismatch(expected: .int, found: current.type)
        }
    }

    /// INT or INT64; throws `integerOverflow` when the value does not fit this target's `Int`.
    public func asInt() throws(StorageError) -> Int {
        let value = try asInt64()
        guard let int = Int(exactly: value) else { throw .integerOverflow(value) }
        return int
    }

    public func asString() throws(StorageError) -> String {
        try string(from: payload(of: .string))
    }

    /// The payload of a BUFFER, TCP or user-defined entry.
    public func asBytes() throws(StorageError) -> [UInt8] {
        [UInt8](try opaquePayload())
    }

    /// Lends the payload of a BUFFER, TCP or user-defined entry without copying it.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) throws(StorageError) -> R {
        body(try opaquePayload())
    }

    /// A value stored with `Storage.add(id:_:)` for trivial types; its size must match `T`'s.
    public func `as`<T: BitwiseCopyable>(_ type: T.Type) throws(StorageError) -> T {
        let payload = try payload(of: .buffer)
        guard payload.count == MemoryLayout<T>.size else {
            throw .sizeMismatch(expected: MemoryLayout<T>.size, found: payload.count)
        }
        return payload.baseAddress!.loadUnaligned(as: T.self)
    }

    /// A VECTOR whose element size must equal `T`'s stride.
    public func asArray<T: BitwiseCopyable>(of type: T.Type) throws(StorageError) -> [T] {
        let payload = try payload(of: .vector)
        let shape = try CompoundPayload.vectorShape(payload, at: current.offset)
        guard shape.elementSize == MemoryLayout<T>.stride else {
            throw .sizeMismatch(expected: MemoryLayout<T>.stride, found: shape.elementSize)
        }
        let elements = UnsafeRawBufferPointer(rebasing: payload[StorageLayout.vectorHeaderSize...])
        return [T](unsafeUninitializedCapacity: shape.count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: elements)
            initialized = shape.count
        }
    }

    public func asStrings() throws(StorageError) -> [String] {
        let payload = try payload(of: .stringVector)
        var strings: [String] = []
        var allValid = true
        try CompoundPayload.forEachString(in: payload, at: current.offset) { bytes in
            if let string = String(validating: bytes, as: UTF8.self) {
                strings.append(string)
            } else {
                allValid = false
            }
        }
        guard allValid else { throw .invalidUTF8 }
        return strings
    }

    // MARK: - Payload access

    private func payload(of type: EntryType) throws(StorageError) -> UnsafeRawBufferPointer {
        guard current.type == type else { throw .typeMismatch(expected: type, found: current.type) }
        return currentPayload
    }

    private func opaquePayload() throws(StorageError) -> UnsafeRawBufferPointer {
        guard current.type.hasOpaquePayload else {
            throw .typeMismatch(expected: .buffer, found: current.type)
        }
        return currentPayload
    }

    /// In bounds: `EntryHeader` checked that the payload ends within the stored length.
    private var currentPayload: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: area + current.payloadOffset, count: current.payloadLength)
    }

    private func string(from bytes: UnsafeRawBufferPointer) throws(StorageError) -> String {
        guard let string = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8 }
        return string
    }
}

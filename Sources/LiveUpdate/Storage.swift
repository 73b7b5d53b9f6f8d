/// Writes entries into a stored area; handed to the `save` closure of `LiveUpdate.store`.
///
/// Only bytes inside the area are written. An entry that would not fit, together with the END
/// entry and canary that must follow it, throws before anything of it is written.
public struct Storage: ~Copyable {
    private let area: UnsafeMutableRawPointer
    /// Usable bytes from the area start: the limit, or the heap start if that comes first.
    private let capacity: Int
    private let capacityIsHeapStart: Bool
    private var offset = StorageLayout.headerSize
    private var entryCount: UInt32 = 0

    /// The END entry and canary that every entry must leave room for.
    private static let trailerSize = StorageLayout.entryHeaderSize + StorageLayout.canarySize

    init(area: UnsafeMutableRawPointer, limit: Int, heap: Range<UInt>?) throws(StorageError) {
        guard limit >= StorageLayout.minimumStoredSize else { throw .areaTooSmall(limit: limit) }
        let start = UInt(bitPattern: area)
        let (end, wraps) = start.addingReportingOverflow(UInt(limit))
        guard !wraps else { throw .areaTooSmall(limit: limit) }
        var capacity = limit
        var capacityIsHeapStart = false
        if let heap, !heap.isEmpty, heap.overlaps(start..<end) {
            guard heap.lowerBound > start else { throw .areaOverlapsHeap }
            capacity = Int(heap.lowerBound - start)
            capacityIsHeapStart = true
        }
        guard capacity >= StorageLayout.minimumStoredSize else { throw .heapCollision(heapOffset: capacity) }
        self.area = area
        self.capacity = capacity
        self.capacityIsHeapStart = capacityIsHeapStart
        // Clear the header first, so that a failed store never leaves a resumable area.
        area.initializeMemory(as: UInt8.self, repeating: 0, count: StorageLayout.headerSize)
    }

    /// Bytes written so far, counting the END entry and canary still to come.
    public var bytesUsed: Int { offset + Self.trailerSize }

    /// Stores `value` as INT when it fits in 32 bits, else as INT64, so it reads back on any target.
    public mutating func add(id: UInt16, _ value: Int) throws(StorageError) {
        try add(id: id, Int64(value))
    }

    public mutating func add(id: UInt16, _ value: Int64) throws(StorageError) {
        if let small = Int32(exactly: value) {
            try append(.int, id: id, lengthField: small, payloadLength: 0) { _ in }
        } else {
            try append(.int64, id: id, payloadLength: 8) { $0.storeLE(value, at: 0) }
        }
    }

    public mutating func add(id: UInt16, _ string: String) throws(StorageError) {
        try append(.string, id: id, payloadLength: string.utf8.count) { destination in
            Self.copyUTF8(of: string, to: destination)
        }
    }

    public mutating func add(id: UInt16, bytes: UnsafeRawBufferPointer) throws(StorageError) {
        try add(id: id, type: .buffer, bytes: bytes)
    }

    public mutating func add(id: UInt16, bytes: [UInt8]) throws(StorageError) {
        try add(id: id, type: .buffer, bytes: bytes)
    }

    /// An entry of a TCP or user-defined type with an opaque payload (or a BUFFER).
    public mutating func add(
        id: UInt16, type: EntryType, bytes: UnsafeRawBufferPointer
    ) throws(StorageError) {
        try appendOpaque(type, id: id, count: bytes.count) { Self.copy(bytes, to: $0) }
    }

    public mutating func add(id: UInt16, type: EntryType, bytes: [UInt8]) throws(StorageError) {
        try appendOpaque(type, id: id, count: bytes.count) { destination in
            bytes.withUnsafeBytes { Self.copy($0, to: destination) }
        }
    }

    /// An entry of a TCP or user-defined type (or a BUFFER) that `fill` writes in place, for large
    /// records that would otherwise be built and then copied. `fill` gets the room left and
    /// returns the length the payload needs, whether or not it fitted (an `outOfSpace` error when
    /// not), so that a writer walks its data once, not once to size the entry and again to write it.
    public mutating func add(
        id: UInt16, type: EntryType, fillingRoom fill: (UnsafeMutableRawBufferPointer) -> Int
    ) throws(StorageError) {
        guard type.hasOpaquePayload else { throw .notAWritableType(type) }
        let payload = area + offset + StorageLayout.entryHeaderSize
        let length = fill(UnsafeMutableRawBufferPointer(start: payload, count: max(payloadRoom, 0)))
        guard length <= Int(Int32.max) else { throw .payloadTooLarge(length) }
        try checkRoom(forEntryOf: length)
        commitEntry(type, id: id, lengthField: Int32(length), payloadLength: length)
    }

    /// A trivial value, stored as a BUFFER of its size; read back with `Restore.as(_:)`.
    public mutating func add<T: BitwiseCopyable>(id: UInt16, _ value: T) throws(StorageError) {
        try append(.buffer, id: id, payloadLength: MemoryLayout<T>.size) { destination in
            destination.storeBytes(of: value, as: T.self)
        }
    }

    /// A VECTOR of trivial elements, each `MemoryLayout<T>.stride` bytes.
    public mutating func add<T: BitwiseCopyable>(id: UInt16, _ values: [T]) throws(StorageError) {
        let stride = MemoryLayout<T>.stride
        let (elementBytes, overflow) = values.count.multipliedReportingOverflow(by: stride)
        guard !overflow, elementBytes <= Int(Int32.max) - StorageLayout.vectorHeaderSize else {
            throw .payloadTooLarge(overflow ? Int.max : elementBytes)
        }
        try append(.vector, id: id, payloadLength: StorageLayout.vectorHeaderSize + elementBytes) {
            destination in
            destination.storeLE(UInt32(values.count), at: 0)
            destination.storeLE(UInt32(stride), at: 4)
            values.withUnsafeBytes { Self.copy($0, to: destination + StorageLayout.vectorHeaderSize) }
        }
    }

    /// A STRING_VECTOR: the count, then each string's UTF-8 length and bytes.
    public mutating func add(id: UInt16, _ strings: [String]) throws(StorageError) {
        var payloadLength = 4
        for string in strings {
            let (sum, overflow) = payloadLength.addingReportingOverflow(4 + string.utf8.count)
            guard !overflow, sum <= Int(Int32.max) else { throw .payloadTooLarge(Int.max) }
            payloadLength = sum
        }
        try append(.stringVector, id: id, payloadLength: payloadLength) { destination in
            destination.storeLE(UInt32(strings.count), at: 0)
            var position = 4
            for string in strings {
                let length = string.utf8.count
                destination.storeLE(UInt32(length), at: position)
                Self.copyUTF8(of: string, to: destination + position + 4)
                position += 4 + length
            }
        }
    }

    /// A MARKER closing a group of entries; readers skip to it with `Restore.popMarker(id:)`.
    public mutating func putMarker(id: UInt16) throws(StorageError) {
        try append(.marker, id: id, lengthField: 0, payloadLength: 0) { _ in }
    }

    /// Writes the END entry and the canary, then the header with the checksum.
    /// Returns the stored size in bytes.
    consuming func finish(probe: MemoryProbe) throws(StorageError) -> Int {
        writeEntryHeader(.end, id: 0, length: 0)
        let canary = area + offset + StorageLayout.entryHeaderSize
        let words = StorageLayout.canaryWords
        guard Self.probe(canary, words.0, with: probe), Self.probe(canary + 4, words.1, with: probe) else {
            throw .canaryWriteFailed
        }
        let totalLength = offset + StorageLayout.entryHeaderSize
        area.storeLE(StorageLayout.version, at: StorageLayout.versionOffset)
        area.storeLE(UInt16(StorageLayout.headerSize), at: StorageLayout.headerSizeOffset)
        area.storeLE(entryCount, at: StorageLayout.entryCountOffset)
        area.storeLE(UInt64(totalLength), at: StorageLayout.totalLengthOffset)
        let checksummed = UnsafeRawBufferPointer(
            start: area + StorageLayout.checksummedFrom,
            count: totalLength - StorageLayout.checksummedFrom)
        area.storeLE(CRC32C.checksum(checksummed), at: StorageLayout.checksumOffset)
        area.storeLE(StorageLayout.magic, at: StorageLayout.magicOffset)
        return totalLength + StorageLayout.canarySize
    }

    /// Writes the complement of `word`, then `word`, checking that each reads back.
    private static func probe(
        _ address: UnsafeMutableRawPointer, _ word: UInt32, with probe: MemoryProbe
    ) -> Bool {
        probe(address, ~word) == ~word && probe(address, word) == word
    }

    // MARK: - Appending

    private mutating func appendOpaque(
        _ type: EntryType, id: UInt16, count: Int, fill: (UnsafeMutableRawPointer) -> Void
    ) throws(StorageError) {
        guard type.hasOpaquePayload else { throw .notAWritableType(type) }
        try append(type, id: id, payloadLength: count, fill: fill)
    }

    /// Appends one entry whose payload `fill` writes; the padding after it is zeroed.
    private mutating func append(
        _ type: EntryType, id: UInt16, lengthField: Int32? = nil, payloadLength: Int,
        fill: (UnsafeMutableRawPointer) -> Void
    ) throws(StorageError) {
        guard payloadLength <= Int(Int32.max) else { throw .payloadTooLarge(payloadLength) }
        try checkRoom(forEntryOf: payloadLength)
        fill(area + offset + StorageLayout.entryHeaderSize)
        commitEntry(type, id: id, lengthField: lengthField ?? Int32(payloadLength), payloadLength: payloadLength)
    }

    /// Writes the header of the entry whose payload was just written at the offset, zeroes the
    /// padding after it and moves past it.
    private mutating func commitEntry(_ type: EntryType, id: UInt16, lengthField: Int32, payloadLength: Int) {
        writeEntryHeader(type, id: id, length: lengthField)
        let payload = area + offset + StorageLayout.entryHeaderSize
        let padded = StorageLayout.padded(payloadLength)
        (payload + payloadLength).initializeMemory(
            as: UInt8.self, repeating: 0, count: padded - payloadLength)
        offset += StorageLayout.entryHeaderSize + padded
        entryCount += 1
    }

    private func writeEntryHeader(_ type: EntryType, id: UInt16, length: Int32) {
        let header = area + offset
        header.storeLE(type.rawValue, at: StorageLayout.entryTypeOffset)
        header.storeLE(id, at: StorageLayout.entryIDOffset)
        header.storeLE(length, at: StorageLayout.entryLengthOffset)
    }

    /// Throws unless an entry with `payloadLength` bytes, padded, plus the trailer fits.
    /// Only subtracts from valid sizes, so nothing overflows on 32-bit targets.
    private func checkRoom(forEntryOf payloadLength: Int) throws(StorageError) {
        let room = payloadRoom
        guard payloadLength > room else { return }
        if capacityIsHeapStart { throw .heapCollision(heapOffset: capacity) }
        throw .outOfSpace(payload: payloadLength, available: max(room, 0))
    }

    /// The largest payload the next entry may have (-1: not even its header fits).
    private var payloadRoom: Int {
        let afterHeader = capacity - offset - Self.trailerSize - StorageLayout.entryHeaderSize
        return afterHeader < 0 ? -1 : afterHeader & ~(StorageLayout.alignment - 1)
    }

    private static func copy(_ source: UnsafeRawBufferPointer, to destination: UnsafeMutableRawPointer) {
        UnsafeMutableRawBufferPointer(start: destination, count: source.count).copyMemory(from: source)
    }

    private static func copyUTF8(of string: String, to destination: UnsafeMutableRawPointer) {
        string.withNativeUTF8 { copy(UnsafeRawBufferPointer($0), to: destination) }
    }
}

/// Stores a 32-bit word at an address and returns what reads back from it.
public typealias MemoryProbe = (UnsafeMutableRawPointer, UInt32) -> UInt32

/// Every way storing or restoring state can fail. Offsets are byte offsets from the area start.
public enum StorageError: Error, Equatable, Sendable {
    // Writing
    /// An entry with a `payload`-byte payload does not fit: only `available` bytes are left for
    /// it after its header and the room kept for the END entry and canary.
    case outOfSpace(payload: Int, available: Int)
    /// The entry would reach into the heap, which starts `heapOffset` bytes into the area.
    case heapCollision(heapOffset: Int)
    /// The area starts inside the forbidden (heap) range: nothing was written.
    case areaOverlapsHeap
    /// The canary written after the last entry did not read back: the area is not plain RAM.
    case canaryWriteFailed
    /// A payload longer than the format can describe (more than `Int32.max` bytes).
    case payloadTooLarge(Int)
    /// `add(id:type:bytes:)` was given a type that is not BUFFER, TCP or user-defined.
    case notAWritableType(EntryType)
    /// The area's limit is below the minimum stored size or runs past the end of memory.
    case areaTooSmall(limit: Int)

    // Validating an area
    case badMagic(UInt32)
    case unsupportedVersion(UInt16)
    case badHeaderSize(UInt16)
    /// The header's total length is below the minimum or beyond the area limit.
    case badTotalLength(UInt64)
    case checksumMismatch(stored: UInt32, computed: UInt32)
    /// The canary after the last entry is missing or altered.
    case canaryMismatch
    /// An entry header or payload at `offset` reaches past the stored length.
    case entryOutOfBounds(offset: Int)
    /// An entry's length field is invalid for its type.
    case badEntryLength(offset: Int, length: Int32)
    case unknownEntryType(offset: Int, raw: Int16)
    /// No END entry, or bytes follow it.
    case missingEnd
    case entryCountMismatch(header: UInt32, found: UInt32)

    // Reading entries
    case typeMismatch(expected: EntryType, found: EntryType)
    /// A fixed-size read (`as(_:)`, `asArray(of:)`) found a different size.
    case sizeMismatch(expected: Int, found: Int)
    /// A vector or string-vector payload whose inner counts disagree with its length.
    case malformedPayload(offset: Int)
    case invalidUTF8
    /// A stored integer does not fit in this target's `Int`.
    case integerOverflow(Int64)
    /// `next()` was called on the END entry.
    case pastEnd
    /// `popMarker` reached END without finding a marker.
    case markerNotFound
    case markerIDMismatch(expected: UInt16, found: UInt16)
}

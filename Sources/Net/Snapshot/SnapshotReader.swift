/// Reads fields little-endian from a stored record, never past its end.
struct SnapshotReader: FieldCoder {
    typealias Failure = NetSnapshotError
    let bytes: UnsafeRawBufferPointer
    let now: UInt64
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer, now: UInt64) {
        self.bytes = bytes
        self.now = now
    }

    var isReading: Bool { true }

    mutating func code<T: FixedWidthInteger>(
        _ value: inout T, in range: ClosedRange<T>
    ) throws(NetSnapshotError) {
        let start = offset
        let stored = try read(T.self)
        guard range.contains(stored) else { throw .invalidValue(offset: start) }
        value = stored
    }

    mutating func code(deadline: inout UInt64?) throws(NetSnapshotError) {
        let start = offset
        let remaining = try read(UInt64.self)
        guard remaining != .max else { return deadline = nil }
        guard remaining <= SnapshotLimits.maximumDelay else { throw .invalidValue(offset: start) }
        deadline = now &+ remaining
    }

    mutating func code(_ ring: inout ByteRing) throws(NetSnapshotError) {
        let stored = try countedBytes()
        guard stored.count <= ring.freeSpace else {
            throw .bufferTooSmall(needed: ring.count + stored.count, configured: ring.limit)
        }
        ring.append(stored)
    }

    mutating func code(_ bytes: inout [UInt8]) throws(NetSnapshotError) {
        bytes = Array(try countedBytes())
    }

    mutating func beginSection(version: UInt16) throws(NetSnapshotError) -> SectionMark {
        let stored = try read(UInt16.self)
        guard stored == version else { throw .unsupportedVersion(stored) }
        let length = try read(UInt32.self)
        guard UInt64(length) <= UInt64(bytes.count - offset) else { throw .truncated(offset: bytes.count) }
        return SectionMark(offset: offset + Int(length))
    }

    mutating func endSection(_ mark: SectionMark) throws(NetSnapshotError) {
        guard offset <= mark.offset else { throw .truncated(offset: mark.offset) }
        offset = mark.offset
    }

    private mutating func countedBytes() throws(NetSnapshotError) -> UnsafeRawBufferPointer {
        let count = try read(UInt32.self)
        guard UInt64(count) <= UInt64(bytes.count - offset) else { throw .truncated(offset: bytes.count) }
        defer { offset += Int(count) }
        return UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + Int(count)])
    }

    private mutating func read<T: FixedWidthInteger>(_: T.Type) throws(NetSnapshotError) -> T {
        guard bytes.count - offset >= MemoryLayout<T>.size else { throw .truncated(offset: offset) }
        defer { offset += MemoryLayout<T>.size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

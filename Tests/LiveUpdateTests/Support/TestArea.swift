import LiveUpdate

/// A heap block of exactly `size` bytes standing in for the kernel's fixed area, so that the
/// address sanitizer flags any access past it. Offsets below follow docs/storage-format.md.
final class TestArea {
    static let checksumOffset = 8
    static let entryCountOffset = 12
    static let totalLengthOffset = 16
    static let firstEntryOffset = 32

    let size: Int
    let pointer: UnsafeMutableRawPointer

    init(size: Int, filler: UInt8 = 0xEE) {
        self.size = size
        pointer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        pointer.initializeMemory(as: UInt8.self, repeating: filler, count: size)
    }

    /// A copy of stored bytes (`count` from the start), e.g. to mutate.
    convenience init(copying bytes: [UInt8], size: Int? = nil) {
        self.init(size: size ?? bytes.count, filler: 0)
        bytes.prefix(self.size).withUnsafeBytes {
            UnsafeMutableRawBufferPointer(start: pointer, count: $0.count).copyMemory(from: $0)
        }
    }

    deinit { pointer.deallocate() }

    var bytes: [UInt8] { Array(UnsafeRawBufferPointer(start: pointer, count: size)) }

    @discardableResult
    func store(
        limit: Int? = nil, heap: Range<UInt>? = nil, probe: MemoryProbe? = nil,
        _ save: (inout Storage) throws(StorageError) -> Void
    ) throws(StorageError) -> Int {
        if let probe {
            return try LiveUpdate.store(at: pointer, limit: limit ?? size, heap: heap, probe: probe, save)
        }
        return try LiveUpdate.store(at: pointer, limit: limit ?? size, heap: heap, save)
    }

    func validate(limit: Int? = nil) throws(StorageError) -> StoredAreaInfo {
        try LiveUpdate.validate(at: pointer, limit: limit ?? size)
    }

    func resume(
        limit: Int? = nil, _ restore: (inout Restore) throws(StorageError) -> Void
    ) throws(StorageError) {
        try LiveUpdate.resume(at: pointer, limit: limit ?? size, restore)
    }

    var address: UInt { UInt(bitPattern: pointer) }

    func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        T(littleEndian: pointer.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    func store<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        pointer.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
    }

    /// Recomputes the header checksum after a deliberate edit, so that the checks behind it run.
    func reseal() {
        guard size >= Self.totalLengthOffset + 8 else { return }
        let total = Int(clamping: load(UInt64.self, at: Self.totalLengthOffset))
        let end = min(max(total, Self.checksumOffset + 4), size)
        let covered = UnsafeRawBufferPointer(
            start: pointer + Self.checksumOffset + 4, count: end - Self.checksumOffset - 4)
        store(CRC32C.checksum(covered), at: Self.checksumOffset)
    }
}

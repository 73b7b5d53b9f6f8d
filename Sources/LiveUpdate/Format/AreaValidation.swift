/// What a valid stored area holds.
public struct StoredAreaInfo: Equatable, Sendable {
    /// Bytes from the area start through the canary (what `LiveUpdate.store` returned).
    public let storedSize: Int
    /// Entries before END.
    public let entryCount: Int
}

/// Checks a whole stored area before anything reads it: header, canary, checksum, and that
/// the entries exactly fill the stored length and end with END.
enum AreaValidation {
    static func validate(
        _ area: UnsafeRawPointer, limit: Int
    ) throws(StorageError) -> StoredAreaInfo {
        guard limit >= StorageLayout.minimumStoredSize else { throw .areaTooSmall(limit: limit) }
        let magic = area.loadLE(at: StorageLayout.magicOffset, as: UInt32.self)
        guard magic == StorageLayout.magic else { throw .badMagic(magic) }
        let version = area.loadLE(at: StorageLayout.versionOffset, as: UInt16.self)
        guard version == StorageLayout.version else { throw .unsupportedVersion(version) }
        let headerSize = area.loadLE(at: StorageLayout.headerSizeOffset, as: UInt16.self)
        guard headerSize == StorageLayout.headerSize else { throw .badHeaderSize(headerSize) }

        let storedLength = area.loadLE(at: StorageLayout.totalLengthOffset, as: UInt64.self)
        let smallest = UInt64(StorageLayout.headerSize + StorageLayout.entryHeaderSize)
        let largest = UInt64(limit - StorageLayout.canarySize)
        guard storedLength >= smallest, storedLength <= largest,
            storedLength % UInt64(StorageLayout.alignment) == 0
        else { throw .badTotalLength(storedLength) }
        let totalLength = Int(storedLength)

        let storedChecksum = area.loadLE(at: StorageLayout.checksumOffset, as: UInt32.self)
        let computed = CRC32C.checksum(
            UnsafeRawBufferPointer(
                start: area + StorageLayout.checksummedFrom,
                count: totalLength - StorageLayout.checksummedFrom))
        guard computed == storedChecksum else {
            throw .checksumMismatch(stored: storedChecksum, computed: computed)
        }
        let canary = StorageLayout.canaryWords
        guard area.loadLE(at: totalLength, as: UInt32.self) == canary.0,
            area.loadLE(at: totalLength + 4, as: UInt32.self) == canary.1
        else { throw .canaryMismatch }

        let entryCount = try checkEntries(area, totalLength: totalLength)
        let headerCount = area.loadLE(at: StorageLayout.entryCountOffset, as: UInt32.self)
        guard UInt64(headerCount) == UInt64(entryCount) else {
            throw .entryCountMismatch(header: headerCount, found: UInt32(truncatingIfNeeded: entryCount))
        }
        return StoredAreaInfo(
            storedSize: totalLength + StorageLayout.canarySize, entryCount: entryCount)
    }

    /// Walks the entries; returns how many come before END.
    private static func checkEntries(
        _ area: UnsafeRawPointer, totalLength: Int
    ) throws(StorageError) -> Int {
        var offset = StorageLayout.headerSize
        var count = 0
        while true {
            let entry = try EntryHeader(reading: area, at: offset, totalLength: totalLength)
            if entry.type == .end {
                guard entry.nextOffset == totalLength else { throw .missingEnd }
                return count
            }
            try CompoundPayload.check(entry, in: area)
            count += 1
            offset = entry.nextOffset
        }
    }
}

/// Byte layout constants of the stored area (see docs/storage-format.md).
enum StorageLayout {
    /// "LIUS" as little-endian bytes.
    static let magic: UInt32 = 0x5355_494C
    static let version: UInt16 = 1

    // Area header fields.
    static let magicOffset = 0
    static let versionOffset = 4
    static let headerSizeOffset = 6
    static let checksumOffset = 8
    static let entryCountOffset = 12
    static let totalLengthOffset = 16
    static let headerSize = 32
    /// The checksum covers everything after its own field up to the total length.
    static let checksummedFrom = checksumOffset + 4

    // Entry header: {type: Int16, id: UInt16, length: Int32}, payload right after.
    static let entryTypeOffset = 0
    static let entryIDOffset = 2
    static let entryLengthOffset = 4
    static let entryHeaderSize = 8
    static let alignment = 8

    // Segment header of a VECTOR payload.
    static let vectorHeaderSize = 8

    /// Two words written after the END entry; alternating bit patterns catch stuck bits.
    static let canaryWords: (UInt32, UInt32) = (0x5A5A_A5A5, 0xA5A5_5A5A)
    static let canarySize = 8

    /// The smallest stored area: header, END entry and canary.
    static let minimumStoredSize = headerSize + entryHeaderSize + canarySize

    static func padded(_ length: Int) -> Int {
        (length + alignment - 1) & ~(alignment - 1)
    }
}

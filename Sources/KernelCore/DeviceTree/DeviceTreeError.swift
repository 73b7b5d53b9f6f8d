/// Why a flattened device tree blob was rejected.
public enum DeviceTreeError: Error, Equatable, Sendable {
    /// The header does not start with 0xd00dfeed.
    case badMagic(UInt32)
    /// The blob is older than version 17 or needs a reader newer than version 17.
    case unsupportedVersion(UInt32)
    /// `totalsize` is smaller than the header or larger than the caller trusts.
    case badTotalSize(UInt32)
    /// The structure, strings or reservation block lies (partly) outside `totalsize`.
    case blockOutOfBounds
    /// The structure block is corrupt at this byte offset into the blob.
    case malformedStructure(offset: Int)
    /// Nodes are nested deeper than `DeviceTree.maximumDepth`.
    case tooDeep
}

/// The list the hotswap stub reads (Sources/Hotswap/<target>/hotswap.S): a header with the
/// segment count, entry point, register magic and soft-reset block address, then one entry
/// per segment {destination, source address, file size, memory size}. All fields are
/// little-endian UInt64 so one layout serves 32- and 64-bit stubs (x86 reads the low halves).
public enum HotswapDescriptors {
    public static let headerSize = 32
    public static let entrySize = 32

    public static func byteCount(segments: Int) -> Int { headerSize + segments * entrySize }

    /// Writes the list for `image`, whose bytes sit at physical `imageAddress`, to `list`
    /// (`byteCount(segments: image.segments.count)` bytes). The stub jumps to `entry`:
    /// `image.entry`, or `image.longModeEntry` for x86_64's long-mode stub.
    public static func write(
        _ image: KernelImage, entry: UInt64, imageAddress: UInt64, block: UInt64, to list: UnsafeMutableRawPointer
    ) {
        list.storeLE(UInt64(image.segments.count), at: 0)
        list.storeLE(entry, at: 8)
        list.storeLE(UInt64(SoftResetBlock.registerMagic), at: 16)
        list.storeLE(block, at: 24)
        for (index, segment) in image.segments.enumerated() {
            let entry = headerSize + index * entrySize
            list.storeLE(segment.destination, at: entry)
            list.storeLE(imageAddress + segment.sourceOffset, at: entry + 8)
            list.storeLE(segment.fileSize, at: entry + 16)
            list.storeLE(segment.memorySize, at: entry + 24)
        }
    }
}

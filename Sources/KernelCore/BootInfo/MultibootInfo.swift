/// The Multiboot (version 1) information structure a boot loader passes in EBX when EAX is
/// `bootloaderMagic`. Validated once at init; queries never allocate.
public struct MultibootInfo: MemoryMap {
    public static let bootloaderMagic: UInt32 = 0x2BAD_B002

    private static let structureSize = 52
    private static let memoryBoundsFlag: UInt32 = 1 << 0
    private static let commandLineFlag: UInt32 = 1 << 2
    private static let modulesFlag: UInt32 = 1 << 3
    private static let moduleEntrySize = 16
    private static let memoryMapFlag: UInt32 = 1 << 6
    /// An entry's `size` field counts the bytes after itself: base (8), length (8), type (4).
    private static let minimumEntrySize: UInt32 = 20

    public let flags: UInt32
    /// KiB of memory below 1 MiB and above 1 MiB (`mem_lower`/`mem_upper`), if flag 0 is set.
    public let lowerMemoryKiB: UInt32?
    public let upperMemoryKiB: UInt32?
    /// The kernel command line without its NUL, if flag 2 is set.
    public let commandLine: UnsafeRawBufferPointer?
    /// The first module (`mod_start`..<`mod_end`), if flag 3 is set and `mods_count` > 0.
    public let firstModule: BootModule?
    /// The validated `mmap_addr`/`mmap_length` buffer, if flag 6 is set.
    private let memoryMap: UnsafeRawBufferPointer?

    /// Reads the structure at physical `address` through `memory`.
    public init(address: UInt64, memory: PhysicalMemory) throws(BootInfoError) {
        guard let info = memory.bytes(at: address, count: Self.structureSize) else { throw .outOfBounds }
        let field = { (offset: Int) in info.littleEndianUInt32(at: offset)! }
        flags = field(0)
        let hasBounds = flags & Self.memoryBoundsFlag != 0
        lowerMemoryKiB = hasBounds ? field(4) : nil
        upperMemoryKiB = hasBounds ? field(8) : nil
        commandLine = flags & Self.commandLineFlag != 0
            ? try memory.string(at: UInt64(field(16)), maximumLength: BootInfoLimits.maximumCommandLineLength)
            : nil
        firstModule = flags & Self.modulesFlag != 0 && field(20) > 0
            ? try Self.module(at: UInt64(field(24)), memory: memory)
            : nil
        if flags & Self.memoryMapFlag != 0 {
            guard let length = Int(exactly: field(44)), let map = memory.bytes(at: UInt64(field(48)), count: length)
            else { throw .outOfBounds }
            try Self.validate(memoryMap: map)
            memoryMap = map
        } else {
            memoryMap = nil
        }
    }

    /// The memory map entries; without a map, the `mem_lower`/`mem_upper` ranges as usable memory.
    public func forEachMemoryRegion(_ body: (MemoryRegion) -> Void) {
        if let memoryMap {
            Self.forEachEntry(in: memoryMap) { offset in
                body(MemoryRegion(
                    base: memoryMap.littleEndianUInt64(at: offset + 4)!,
                    length: memoryMap.littleEndianUInt64(at: offset + 12)!,
                    kind: MemoryKind(e820Type: memoryMap.littleEndianUInt32(at: offset + 20)!)))
            }
        } else if let lowerMemoryKiB, let upperMemoryKiB {
            body(MemoryRegion(base: 0, length: UInt64(lowerMemoryKiB) * 1024, kind: .usable))
            body(MemoryRegion(base: 1 << 20, length: UInt64(upperMemoryKiB) * 1024, kind: .usable))
        }
    }

    private static func module(at address: UInt64, memory: PhysicalMemory) throws(BootInfoError) -> BootModule {
        guard let entry = memory.bytes(at: address, count: moduleEntrySize) else { throw .malformedModule }
        let start = entry.littleEndianUInt32(at: 0)!, end = entry.littleEndianUInt32(at: 4)!
        guard end >= start else { throw .malformedModule }
        return BootModule(address: UInt64(start), size: UInt64(end - start))
    }

    /// Every entry must be complete and the entries must exactly fill the buffer.
    private static func validate(memoryMap: UnsafeRawBufferPointer) throws(BootInfoError) {
        var offset = 0
        var count = 0
        while offset < memoryMap.count {
            guard let size = memoryMap.littleEndianUInt32(at: offset), size >= minimumEntrySize,
                  UInt64(size) <= UInt64(memoryMap.count - offset - 4)
            else { throw .malformedMemoryMap }
            count += 1
            guard count <= BootInfoLimits.maximumMemoryMapEntries else { throw .tooManyEntries }
            offset += 4 + Int(size)
        }
    }

    /// Calls `body` with the offset of each entry of a validated map.
    private static func forEachEntry(in memoryMap: UnsafeRawBufferPointer, _ body: (Int) -> Void) {
        var offset = 0
        while offset < memoryMap.count, let size = memoryMap.littleEndianUInt32(at: offset) {
            body(offset)
            offset += 4 + Int(size)
        }
    }
}

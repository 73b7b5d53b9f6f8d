/// The PVH `hvm_start_info` structure (Xen public ABI, also used by QEMU's PVH boot) passed in
/// EBX. Validated once at init; queries never allocate.
public struct PVHStartInfo: MemoryMap {
    public static let magic: UInt32 = 0x336E_C578

    private static let version0Size = 40
    private static let version1Size = 56
    private static let memoryMapEntrySize = 24
    private static let moduleEntrySize = 32

    public let version: UInt32
    public let flags: UInt32
    public let moduleCount: UInt32
    /// Physical addresses; 0 means absent.
    public let moduleListAddress: UInt64
    public let rsdpAddress: UInt64
    /// The kernel command line without its NUL, if present.
    public let commandLine: UnsafeRawBufferPointer?
    /// The first module (`paddr`, `size` of the first 32-byte module entry), if any.
    public let firstModule: BootModule?
    /// The validated memory map table (version 1 and later), if present.
    private let memoryMap: UnsafeRawBufferPointer?

    /// Reads the structure at physical `address` through `memory`.
    public init(address: UInt64, memory: PhysicalMemory) throws(BootInfoError) {
        guard let info = memory.bytes(at: address, count: Self.version0Size) else { throw .outOfBounds }
        let magic = info.littleEndianUInt32(at: 0)!
        guard magic == Self.magic else { throw .badMagic(magic) }
        version = info.littleEndianUInt32(at: 4)!
        flags = info.littleEndianUInt32(at: 8)!
        moduleCount = info.littleEndianUInt32(at: 12)!
        moduleListAddress = info.littleEndianUInt64(at: 16)!
        rsdpAddress = info.littleEndianUInt64(at: 32)!
        commandLine = try memory.string(
            at: info.littleEndianUInt64(at: 24)!, maximumLength: BootInfoLimits.maximumCommandLineLength)
        memoryMap = try Self.memoryMap(version: version, address: address, memory: memory)
        if moduleCount > 0 {
            guard let entry = memory.bytes(at: moduleListAddress, count: Self.moduleEntrySize) else { throw .malformedModule }
            firstModule = BootModule(address: entry.littleEndianUInt64(at: 0)!, size: entry.littleEndianUInt64(at: 8)!)
        } else {
            firstModule = nil
        }
    }

    /// The memory map entries (none for version 0 structures).
    public func forEachMemoryRegion(_ body: (MemoryRegion) -> Void) {
        guard let memoryMap else { return }
        for offset in stride(from: 0, to: memoryMap.count, by: Self.memoryMapEntrySize) {
            body(MemoryRegion(
                base: memoryMap.littleEndianUInt64(at: offset)!,
                length: memoryMap.littleEndianUInt64(at: offset + 8)!,
                kind: MemoryKind(e820Type: memoryMap.littleEndianUInt32(at: offset + 16)!)))
        }
    }

    private static func memoryMap(
        version: UInt32, address: UInt64, memory: PhysicalMemory
    ) throws(BootInfoError) -> UnsafeRawBufferPointer? {
        guard version >= 1 else { return nil }
        guard let info = memory.bytes(at: address, count: version1Size) else { throw .outOfBounds }
        let tableAddress = info.littleEndianUInt64(at: 40)!
        let entryCount = info.littleEndianUInt32(at: 48)!
        guard tableAddress != 0, entryCount > 0 else { return nil }
        return try memory.table(at: tableAddress, entryCount: entryCount, entrySize: memoryMapEntrySize)
    }
}

/// Where the fields the validator reads sit in the ELF header and program headers of one
/// class (ELF32 or ELF64), and how wide addresses and offsets are.
struct ELFClassLayout {
    let headerSize: Int
    let programHeaderSize: Int
    let entryOffset: Int
    let programHeaderTableOffset: Int
    let sectionHeaderTableOffset: Int
    let programHeaderEntrySizeOffset: Int
    let programHeaderCountOffset: Int
    let sectionHeaderEntrySizeOffset: Int
    let sectionHeaderCountOffset: Int
    // Inside one program header.
    let segmentFlags: Int
    let segmentFileOffset: Int
    let segmentVirtualAddress: Int
    let segmentPhysicalAddress: Int
    let segmentFileSize: Int
    let segmentMemorySize: Int
    let wordSize: Int

    static let elf32 = ELFClassLayout(
        headerSize: 52, programHeaderSize: 32, entryOffset: 24, programHeaderTableOffset: 28,
        sectionHeaderTableOffset: 32, programHeaderEntrySizeOffset: 42, programHeaderCountOffset: 44,
        sectionHeaderEntrySizeOffset: 46, sectionHeaderCountOffset: 48, segmentFlags: 24,
        segmentFileOffset: 4, segmentVirtualAddress: 8, segmentPhysicalAddress: 12,
        segmentFileSize: 16, segmentMemorySize: 20, wordSize: 4)

    static let elf64 = ELFClassLayout(
        headerSize: 64, programHeaderSize: 56, entryOffset: 24, programHeaderTableOffset: 32,
        sectionHeaderTableOffset: 40, programHeaderEntrySizeOffset: 54, programHeaderCountOffset: 56,
        sectionHeaderEntrySizeOffset: 58, sectionHeaderCountOffset: 60, segmentFlags: 4,
        segmentFileOffset: 8, segmentVirtualAddress: 16, segmentPhysicalAddress: 24,
        segmentFileSize: 32, segmentMemorySize: 40, wordSize: 8)

    static func forClass(_ elfClass: UInt8) -> ELFClassLayout {
        elfClass == 1 ? .elf32 : .elf64
    }

    /// An address or offset field: 32 bits in ELF32, 64 bits in ELF64. The caller has checked
    /// that `offset + wordSize` lies inside `base`'s buffer.
    func word(_ base: UnsafeRawPointer, at offset: Int) -> UInt64 {
        wordSize == 4 ? UInt64(base.loadLE(at: offset, as: UInt32.self)) : base.loadLE(at: offset, as: UInt64.self)
    }
}

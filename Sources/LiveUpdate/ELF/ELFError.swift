/// Why a received kernel image was refused. Segment numbers count PT_LOAD program headers
/// by their index in the program header table.
public enum ELFError: Error, Equatable, Sendable {
    /// Fewer bytes than an ELF header of the expected class.
    case truncatedHeader(length: UInt64)
    case badMagic
    /// `e_ident[EI_CLASS]`: 1 (32-bit) or 2 (64-bit), which must match the architecture.
    case wrongClass(found: UInt8, expected: UInt8)
    /// `e_ident[EI_DATA]` is not 1 (little-endian).
    case notLittleEndian(found: UInt8)
    /// `e_ident[EI_VERSION]` or `e_version` is not 1.
    case unsupportedVersion(UInt32)
    /// `e_type` is not ET_EXEC (2).
    case notExecutable(type: UInt16)
    case wrongMachine(found: UInt16, expected: UInt16)
    /// `e_phentsize` differs from the class's program header size.
    case badProgramHeaderSize(UInt16)
    case programHeaderTableOutsideFile
    case sectionHeaderTableOutsideFile
    /// The bytes the headers and segments account for differ from the bytes received.
    case lengthMismatch(effective: UInt64, received: UInt64)
    case noLoadableSegment
    /// More PT_LOAD segments than a copy descriptor list holds.
    case tooManySegments(count: Int, maximum: Int)
    case segmentOutsideFile(index: Int)
    case fileSizeExceedsMemorySize(index: Int)
    /// The segment's physical address (where the stub copies it) is not its virtual address
    /// (where its code expects to run): these kernels are identity-mapped.
    case physicalAddressDiffers(index: Int, physical: UInt64, virtual: UInt64)
    /// The segment's physical range is not inside RAM (or wraps around the address space).
    case segmentOutsideRAM(index: Int)
    /// The segment would overwrite `forbidden[rangeIndex]` of the memory constraints.
    case segmentOverlapsForbiddenRange(index: Int, rangeIndex: Int)
    case segmentsOverlap(index: Int, otherIndex: Int)
    /// The entry point is not inside the file-backed part of an executable PT_LOAD, where the
    /// stub copies bytes from the image.
    case entryNotInExecutableSegment(entry: UInt64)
    /// A PT_NOTE segment whose notes do not fit their sizes (x86_64, where they are read for
    /// the 64-bit soft-reset entry).
    case malformedNotes
    /// The LIU type-2 note (64-bit soft-reset entry) is not 8 bytes or appears twice.
    case malformedLongModeEntryNote
    /// The 64-bit soft-reset entry is not inside the file-backed part of an executable PT_LOAD.
    case longModeEntryNotInExecutableSegment(entry: UInt64)
}

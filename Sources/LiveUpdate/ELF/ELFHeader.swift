/// A PT_LOAD program header whose file range has been checked against the file.
struct LoadableSegment {
    static let executableFlag: UInt32 = 1
    /// `p_flags` bit 0x00100000 (an OS-specific one, PF_MASKOS): memory the kernel initializes
    /// itself, its stacks and page tables, which the copy need not zero (`KernelImage.scratchFlag`).
    static let scratchFlag: UInt32 = 0x0010_0000

    let index: Int
    let copy: SegmentCopy
    let destination: PhysicalRange
    /// Where the bytes from the file land: the entry point must lie in this range.
    let fileBackedRange: PhysicalRange
    let isExecutable: Bool
}

/// The ELF header of a received image, checked for the running architecture, with the
/// program and section header tables proven to lie inside the bytes.
struct ELFHeader {
    private static let loadType: UInt32 = 1
    private static let noteType: UInt32 = 4
    private static let executableType: UInt16 = 2

    private let bytes: UnsafeRawBufferPointer
    private let base: UnsafeRawPointer
    private let layout: ELFClassLayout
    private let programHeaderTable: UInt64
    private let programHeaderCount: Int
    /// Where the ELF header and the program and section header tables end.
    private let tablesEnd: UInt64
    let entry: UInt64

    init(_ bytes: UnsafeRawBufferPointer, architecture: ImageArchitecture) throws(ELFError) {
        let length = UInt64(bytes.count)
        // The identification bytes decide the class, and so how long the header is.
        guard bytes.count >= 16, let base = bytes.baseAddress else { throw .truncatedHeader(length: length) }
        guard bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else { throw .badMagic }
        guard bytes[4] == architecture.elfClass else {
            throw .wrongClass(found: bytes[4], expected: architecture.elfClass)
        }
        guard bytes[5] == 1 else { throw .notLittleEndian(found: bytes[5]) }
        guard bytes[6] == 1 else { throw .unsupportedVersion(UInt32(bytes[6])) }
        let layout = ELFClassLayout.forClass(bytes[4])
        guard bytes.count >= layout.headerSize else { throw .truncatedHeader(length: length) }

        let type = base.loadLE(at: 16, as: UInt16.self)
        guard type == Self.executableType else { throw .notExecutable(type: type) }
        let machine = base.loadLE(at: 18, as: UInt16.self)
        guard machine == architecture.machine else {
            throw .wrongMachine(found: machine, expected: architecture.machine)
        }
        let version = base.loadLE(at: 20, as: UInt32.self)
        guard version == 1 else { throw .unsupportedVersion(version) }
        let entrySize = base.loadLE(at: layout.programHeaderEntrySizeOffset, as: UInt16.self)
        guard Int(entrySize) == layout.programHeaderSize else { throw .badProgramHeaderSize(entrySize) }

        let count = Int(base.loadLE(at: layout.programHeaderCountOffset, as: UInt16.self))
        let table = layout.word(base, at: layout.programHeaderTableOffset)
        guard let programHeaders = Self.extent(table, count: count, size: Int(entrySize)), programHeaders.end <= length
        else { throw .programHeaderTableOutsideFile }
        let sectionCount = Int(base.loadLE(at: layout.sectionHeaderCountOffset, as: UInt16.self))
        let sectionEntrySize = Int(base.loadLE(at: layout.sectionHeaderEntrySizeOffset, as: UInt16.self))
        let sectionTable = layout.word(base, at: layout.sectionHeaderTableOffset)
        guard let sectionHeaders = Self.extent(sectionTable, count: sectionCount, size: sectionEntrySize),
              sectionHeaders.end <= length
        else { throw .sectionHeaderTableOutsideFile }

        self.bytes = bytes
        self.base = base
        self.layout = layout
        programHeaderTable = table
        programHeaderCount = count
        tablesEnd = max(UInt64(layout.headerSize), programHeaders.end, sectionHeaders.end)
        entry = layout.word(base, at: layout.entryOffset)
    }

    /// The PT_LOAD segments, each with its file range inside the file and filesz <= memsz.
    func loadableSegments() throws(ELFError) -> [LoadableSegment] {
        var loads: [LoadableSegment] = []
        for index in 0..<programHeaderCount {
            let header = Int(programHeaderTable) + index * layout.programHeaderSize
            guard base.loadLE(at: header, as: UInt32.self) == Self.loadType else { continue }
            loads.append(try segment(index, at: header))
        }
        return loads
    }

    private func segment(_ index: Int, at header: Int) throws(ELFError) -> LoadableSegment {
        let field = { (offset: Int) in layout.word(base, at: header + offset) }
        let fileOffset = field(layout.segmentFileOffset)
        let fileSize = field(layout.segmentFileSize)
        let memorySize = field(layout.segmentMemorySize)
        let physical = field(layout.segmentPhysicalAddress)
        let virtual = field(layout.segmentVirtualAddress)
        guard let file = PhysicalRange(start: fileOffset, count: fileSize), file.end <= UInt64(bytes.count) else {
            throw .segmentOutsideFile(index: index)
        }
        guard fileSize <= memorySize else { throw .fileSizeExceedsMemorySize(index: index) }
        // These kernels run identity-mapped and the stub copies to the physical address.
        guard physical == virtual else { throw .physicalAddressDiffers(index: index, physical: physical, virtual: virtual) }
        guard let destination = PhysicalRange(start: physical, count: memorySize) else {
            throw .segmentOutsideRAM(index: index)
        }
        let flags = base.loadLE(at: header + layout.segmentFlags, as: UInt32.self)
        let zeroedUpTo = flags & LoadableSegment.scratchFlag != 0 ? fileSize : memorySize
        return LoadableSegment(
            index: index,
            copy: SegmentCopy(destination: physical, sourceOffset: fileOffset, fileSize: fileSize, memorySize: zeroedUpTo),
            destination: destination,
            fileBackedRange: PhysicalRange(start: physical, count: fileSize)!,
            isExecutable: flags & LoadableSegment.executableFlag != 0)
    }

    /// The bytes of each PT_NOTE segment, each checked to lie inside the file.
    func noteSegments() throws(ELFError) -> [UnsafeRawBufferPointer] {
        var notes: [UnsafeRawBufferPointer] = []
        for index in 0..<programHeaderCount {
            let header = Int(programHeaderTable) + index * layout.programHeaderSize
            guard base.loadLE(at: header, as: UInt32.self) == Self.noteType else { continue }
            let offset = layout.word(base, at: header + layout.segmentFileOffset)
            let size = layout.word(base, at: header + layout.segmentFileSize)
            guard let file = PhysicalRange(start: offset, count: size), file.end <= UInt64(bytes.count) else {
                throw .segmentOutsideFile(index: index)
            }
            notes.append(UnsafeRawBufferPointer(rebasing: bytes[Int(file.start)..<Int(file.end)]))
        }
        return notes
    }

    /// The received length must be exactly what the headers and segments account for: a
    /// shorter one was cut off, a longer one carries bytes nobody vouches for.
    func checkEffectiveLength() throws(ELFError) {
        var effective = tablesEnd
        for index in 0..<programHeaderCount {
            let header = Int(programHeaderTable) + index * layout.programHeaderSize
            let offset = layout.word(base, at: header + layout.segmentFileOffset)
            let size = layout.word(base, at: header + layout.segmentFileSize)
            guard let file = PhysicalRange(start: offset, count: size) else { throw .segmentOutsideFile(index: index) }
            effective = max(effective, file.end)
        }
        guard effective == UInt64(bytes.count) else {
            throw .lengthMismatch(effective: effective, received: UInt64(bytes.count))
        }
    }

    /// [offset, offset + count * size) when it does not wrap; an empty table has no extent.
    private static func extent(_ offset: UInt64, count: Int, size: Int) -> PhysicalRange? {
        guard count > 0 else { return PhysicalRange(start: 0, end: 0) }
        return PhysicalRange(start: offset, count: UInt64(count) * UInt64(size))
    }
}

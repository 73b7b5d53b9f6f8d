import LiveUpdate
import Testing

/// Each refusal reason of `KernelImage(validating:)`, one test per reason, on images the
/// test writes itself.
@Suite("ELF validation")
struct ELFValidationTests {
    static let ram = PhysicalRange(start: 0x10_0000, end: 0x1000_0000)
    static let constraints = ImageMemoryConstraints(ram: ram, forbidden: [])

    /// Text at 1 MiB, data with .bss one page higher.
    static func sample(_ architecture: ImageArchitecture = .x86_64) -> ELFTestImage {
        ELFTestImage(architecture: architecture, entry: 0x10_0010, segments: [
            .load(at: 0x10_0000, bytes: 256),
            .load(at: 0x10_1000, bytes: 64, memory: 0x1000, executable: false),
        ])
    }

    static func validate(
        _ bytes: [UInt8], as architecture: ImageArchitecture = .x86_64,
        constraints: ImageMemoryConstraints = constraints
    ) throws(ELFError) -> KernelImage {
        // An exact-size copy, so that the address sanitizer sees any read past the end.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: bytes)
        return try KernelImage(validating: UnsafeRawBufferPointer(buffer), architecture: architecture, constraints: constraints)
    }

    func refusal(_ bytes: [UInt8], as architecture: ImageArchitecture = .x86_64,
                 constraints: ImageMemoryConstraints = constraints) -> ELFError? {
        do throws(ELFError) {
            _ = try Self.validate(bytes, as: architecture, constraints: constraints)
            return nil
        } catch { return error }
    }

    @Test("a valid image gives one copy descriptor per PT_LOAD and its entry", arguments: ImageArchitecture.allCases)
    func accepted(_ architecture: ImageArchitecture) throws {
        let image = Self.sample(architecture)
        let validated = try Self.validate(image.bytes, as: architecture)
        #expect(validated.entry == 0x10_0010)
        #expect(validated.segments == [
            SegmentCopy(destination: 0x10_0000, sourceOffset: UInt64(image.dataOffset(0)), fileSize: 256, memorySize: 256),
            SegmentCopy(destination: 0x10_1000, sourceOffset: UInt64(image.dataOffset(1)), fileSize: 64, memorySize: 0x1000),
        ])
    }

    @Test("a scratch segment (stacks, page tables) is reserved but not zeroed, and still may not overlap", arguments: ImageArchitecture.allCases)
    func scratchSegment(_ architecture: ImageArchitecture) throws {
        var image = Self.sample(architecture)
        image.segments.append(ELFTestImage.Segment(flags: 6 | KernelImage.scratchFlag, address: 0x10_2000, data: [], memorySize: 0x3000))
        let copy = try #require(try Self.validate(image.bytes, as: architecture).segments.last)
        #expect(copy == SegmentCopy(destination: 0x10_2000, sourceOffset: UInt64(image.dataOffset(2)), fileSize: 0, memorySize: 0))
        image.segments[2].address = 0x10_1800
        #expect(refusal(image.bytes, as: architecture) == .segmentsOverlap(index: 1, otherIndex: 2), "its whole memory size counts")
    }

    @Test("without a section header table the segments end the file")
    func noSectionHeaders() throws {
        var image = Self.sample()
        image.sectionHeaders = false
        #expect(try Self.validate(image.bytes).segments.count == 2)
    }

    @Test("fewer bytes than an ELF header")
    func truncatedHeader() {
        #expect(refusal([0x7F, 0x45, 0x4C]) == .truncatedHeader(length: 3))
        #expect(refusal(Array(Self.sample().bytes.prefix(40))) == .truncatedHeader(length: 40))
        #expect(refusal([]) == .truncatedHeader(length: 0))
    }

    @Test("bad magic")
    func badMagic() {
        var bytes = Self.sample().bytes
        bytes[1] = 0x46
        #expect(refusal(bytes) == .badMagic)
    }

    @Test("32-bit image for a 64-bit architecture and the reverse")
    func wrongClass() {
        #expect(refusal(Self.sample(.i386).bytes, as: .x86_64) == .wrongClass(found: 1, expected: 2))
        #expect(refusal(Self.sample(.x86_64).bytes, as: .i386) == .wrongClass(found: 2, expected: 1))
    }

    @Test("big-endian data")
    func bigEndian() {
        var bytes = Self.sample().bytes
        bytes[5] = 2
        #expect(refusal(bytes) == .notLittleEndian(found: 2))
    }

    @Test("identification or header version other than 1")
    func version() {
        var identification = Self.sample().bytes
        identification[6] = 0
        #expect(refusal(identification) == .unsupportedVersion(0))
        var header = Self.sample().bytes
        header.patch(2, at: 20, count: 4)
        #expect(refusal(header) == .unsupportedVersion(2))
    }

    @Test("not an executable (a shared object)")
    func notExecutable() {
        var bytes = Self.sample().bytes
        bytes.patch(3, at: 16, count: 2)
        #expect(refusal(bytes) == .notExecutable(type: 3))
    }

    @Test("another machine of the same class")
    func wrongMachine() {
        #expect(refusal(Self.sample(.aarch64).bytes, as: .x86_64) == .wrongMachine(found: 183, expected: 62))
        #expect(refusal(Self.sample(.x86_64).bytes, as: .aarch64) == .wrongMachine(found: 62, expected: 183))
    }

    @Test("program header entry size other than the class's")
    func programHeaderSize() {
        var bytes = Self.sample().bytes
        bytes.patch(32, at: 54, count: 2)
        #expect(refusal(bytes) == .badProgramHeaderSize(32))
    }

    @Test("program header table outside the file, including offsets that wrap")
    func programHeadersOutside() {
        for offset: UInt64 in [UInt64(Self.sample().bytes.count - 8), .max - 8] {
            var bytes = Self.sample().bytes
            bytes.patch(offset, at: 32, count: 8)
            #expect(refusal(bytes) == .programHeaderTableOutsideFile)
        }
    }

    @Test("section header table outside the file")
    func sectionHeadersOutside() {
        var bytes = Self.sample().bytes
        bytes.patch(UInt64(bytes.count - 10), at: 40, count: 8)
        #expect(refusal(bytes) == .sectionHeaderTableOutsideFile)
    }

    @Test("received length differs from what the headers account for")
    func lengthMismatch() {
        let bytes = Self.sample().bytes
        let count = UInt64(bytes.count)
        #expect(refusal(bytes + [0]) == .lengthMismatch(effective: count, received: count + 1))
        var image = Self.sample()
        image.sectionHeaders = false
        let unaccounted = image.bytes + [1, 2, 3]
        #expect(refusal(unaccounted) == .lengthMismatch(effective: UInt64(unaccounted.count - 3), received: UInt64(unaccounted.count)))
    }

    @Test("a non-loadable segment that reaches past the file")
    func noteOutsideFile() {
        var image = Self.sample()
        image.segments.append(ELFTestImage.Segment(type: 4, flags: 4, address: 0, data: [1, 2], memorySize: 2))
        var bytes = image.bytes
        bytes.patch(0x10_0000, at: image.programHeaderOffset(2) + 32, count: 8)
        #expect(refusal(bytes) == .lengthMismatch(effective: UInt64(image.dataOffset(2)) + 0x10_0000, received: UInt64(bytes.count)))
    }

    @Test("no PT_LOAD")
    func noLoad() {
        var image = Self.sample()
        for index in image.segments.indices { image.segments[index].type = 4 }
        #expect(refusal(image.bytes) == .noLoadableSegment)
    }

    @Test("more PT_LOADs than the descriptor list holds")
    func tooMany() {
        let count = KernelImage.maximumSegments + 1
        let image = ELFTestImage(architecture: .x86_64, entry: 0x10_0000, segments: (0..<count).map {
            .load(at: 0x10_0000 + UInt64($0) * 0x1000, bytes: 16)
        })
        #expect(refusal(image.bytes) == .tooManySegments(count: count, maximum: KernelImage.maximumSegments))
    }

    @Test("a PT_LOAD whose file range leaves the file or wraps", arguments: [UInt64(0x10000), .max])
    func segmentOutsideFile(_ fileSize: UInt64) {
        let image = Self.sample()
        var bytes = image.bytes
        bytes.patch(fileSize, at: image.programHeaderOffset(1) + 32, count: 8)
        bytes.patch(.max, at: image.programHeaderOffset(1) + 40, count: 8)
        #expect(refusal(bytes) == .segmentOutsideFile(index: 1))
    }

    @Test("filesz above memsz")
    func fileSizeAboveMemorySize() {
        var image = Self.sample()
        image.segments[0].memorySize = 255
        #expect(refusal(image.bytes) == .fileSizeExceedsMemorySize(index: 0))
    }

    @Test("a segment below, above or across the end of RAM, or wrapping the address space")
    func outsideRAM() {
        for (address, memory) in [(UInt64(0x8_0000), UInt64(0x1000)), (0x0FFF_F000, 0x2000), (0x2000_0000, 0x40),
                                  (0xFFFF_FFFF_FFFF_F000, 0x2000)] {
            var image = Self.sample()
            image.segments[1] = .load(at: address, bytes: 64, memory: memory, executable: false)
            #expect(refusal(image.bytes) == .segmentOutsideRAM(index: 1), "at \(address)")
        }
    }

    @Test("a segment over a forbidden range names the range")
    func forbidden() {
        let constraints = ImageMemoryConstraints(ram: Self.ram, forbidden: [
            PhysicalRange(start: 0x800_0000, end: 0x900_0000),
            PhysicalRange(start: 0x10_1FFF, end: 0x10_2000),
        ])
        #expect(refusal(Self.sample().bytes, constraints: constraints) == .segmentOverlapsForbiddenRange(index: 1, rangeIndex: 1))
        let touching = ImageMemoryConstraints(ram: Self.ram, forbidden: [PhysicalRange(start: 0x10_2000, end: 0x10_3000)])
        #expect(refusal(Self.sample().bytes, constraints: touching) == nil)
    }

    @Test("two segments over the same memory")
    func overlapping() {
        var image = Self.sample()
        image.segments[1].address = 0x10_00F0
        #expect(refusal(image.bytes) == .segmentsOverlap(index: 0, otherIndex: 1))
    }

    @Test("a segment linked to run elsewhere than where it is loaded", arguments: ImageArchitecture.allCases)
    func physicalDiffersFromVirtual(_ architecture: ImageArchitecture) {
        var image = Self.sample(architecture)
        image.segments[1].virtualAddress = 0x8010_1000
        #expect(refusal(image.bytes, as: architecture)
                == .physicalAddressDiffers(index: 1, physical: 0x10_1000, virtual: 0x8010_1000))
    }

    @Test("entry in a data segment, past the file-backed bytes, or nowhere", arguments: [UInt64(0x10_1000), 0x10_0100, 0x50_0000])
    func entry(_ entry: UInt64) {
        var image = Self.sample()
        image.entry = entry
        #expect(refusal(image.bytes) == .entryNotInExecutableSegment(entry: entry))
    }
}

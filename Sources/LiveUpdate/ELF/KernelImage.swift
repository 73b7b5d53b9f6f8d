/// Where the new image may go: RAM, minus ranges the copy must not overwrite (the storage
/// area, the hotswap stub, the received bytes themselves, the descriptor list...).
public struct ImageMemoryConstraints: Sendable {
    public var ram: PhysicalRange
    public var forbidden: [PhysicalRange]

    public init(ram: PhysicalRange, forbidden: [PhysicalRange]) {
        self.ram = ram
        self.forbidden = forbidden
    }
}

/// One PT_LOAD to copy: `fileSize` bytes from `sourceOffset` in the image to `destination`,
/// then zeroes up to `memorySize`. A segment flagged `KernelImage.scratchFlag` (stacks, page
/// tables) gets `memorySize == fileSize`: its memory is reserved, not zeroed.
public struct SegmentCopy: Equatable, Sendable {
    public var destination: UInt64
    public var sourceOffset: UInt64
    public var fileSize: UInt64
    public var memorySize: UInt64

    public init(destination: UInt64, sourceOffset: UInt64, fileSize: UInt64, memorySize: UInt64) {
        self.destination = destination
        self.sourceOffset = sourceOffset
        self.fileSize = fileSize
        self.memorySize = memorySize
    }
}

/// A received ELF kernel image that passed validation: what to copy where, and where to jump.
public struct KernelImage: Equatable, Sendable {
    public static let maximumSegments = 16
    /// The `p_flags` bit of a PT_LOAD whose memory the kernel initializes itself.
    public static let scratchFlag = LoadableSegment.scratchFlag

    /// The type of the note (owner `LIU`) naming an x86_64 image's 64-bit soft-reset entry.
    public static let longModeEntryNoteType: UInt32 = 2

    public let segments: [SegmentCopy]
    public let entry: UInt64
    /// x86_64: where an x86_64 kernel's long-mode hotswap stub enters the image, still in long
    /// mode (its LIU type-2 note, an 8-byte address); nil without the note, and on other
    /// architectures, whose stubs always take `entry`.
    public let longModeEntry: UInt64?

    /// Checks every header field the copy and the jump rely on; reads only inside `bytes`.
    public init(
        validating bytes: UnsafeRawBufferPointer, architecture: ImageArchitecture,
        constraints: ImageMemoryConstraints
    ) throws(ELFError) {
        let header = try ELFHeader(bytes, architecture: architecture)
        let loads = try header.loadableSegments()
        try header.checkEffectiveLength()
        guard !loads.isEmpty else { throw .noLoadableSegment }
        guard loads.count <= Self.maximumSegments else {
            throw .tooManySegments(count: loads.count, maximum: Self.maximumSegments)
        }
        try Self.checkPlacement(loads, constraints: constraints)
        guard Self.isExecutable(header.entry, in: loads) else { throw .entryNotInExecutableSegment(entry: header.entry) }
        #if arch(i386) && hasFeature(Embedded)
        // The i686 kernel admits only i386 images: the note reader stays out of its image.
        let longModeEntry: UInt64? = nil
        #else
        let longModeEntry = architecture == .x86_64 ? try Self.longModeEntry(header) : nil
        #endif
        if let longModeEntry, !Self.isExecutable(longModeEntry, in: loads) {
            throw .longModeEntryNotInExecutableSegment(entry: longModeEntry)
        }
        segments = loads.map { $0.copy }
        entry = header.entry
        self.longModeEntry = longModeEntry
    }

    /// Whether `address` lies where the stub copies bytes of an executable segment.
    private static func isExecutable(_ address: UInt64, in loads: [LoadableSegment]) -> Bool {
        loads.contains { $0.isExecutable && $0.fileBackedRange.contains(address) }
    }

    /// The address in the one LIU type-2 note of the PT_NOTE segments, if there is one.
    private static func longModeEntry(_ header: ELFHeader) throws(ELFError) -> UInt64? {
        var found: UInt64? = nil
        for segment in try header.noteSegments() {
            var reader = ELFNoteReader(segment)
            while let note = reader.next() {
                guard note.isLIU(type: longModeEntryNoteType) else { continue }
                guard found == nil, note.descriptor.count == 8, let base = note.descriptor.baseAddress else {
                    throw .malformedLongModeEntryNote
                }
                found = base.loadLE(at: 0, as: UInt64.self)
            }
            guard !reader.malformed else { throw .malformedNotes }
        }
        return found
    }

    private static func checkPlacement(
        _ loads: [LoadableSegment], constraints: ImageMemoryConstraints
    ) throws(ELFError) {
        for (position, load) in loads.enumerated() {
            guard constraints.ram.contains(load.destination) else { throw .segmentOutsideRAM(index: load.index) }
            if let rangeIndex = constraints.forbidden.firstIndex(where: { $0.overlaps(load.destination) }) {
                throw .segmentOverlapsForbiddenRange(index: load.index, rangeIndex: rangeIndex)
            }
            if let other = loads[..<position].first(where: { $0.destination.overlaps(load.destination) }) {
                throw .segmentsOverlap(index: other.index, otherIndex: load.index)
            }
        }
    }
}

import LiveUpdate

extension ELFError {
    /// The reason a pushed image is refused, as the update listener answers it.
    var reason: String { TextBuilder.string { addReason(to: &$0) } }

    func addReason(to text: inout TextBuilder) {
        switch self {
        case .truncatedHeader(let length):
            text.add("too short for an ELF header ("); text.add(byteSize: UInt64(length)); text.add(")")
        case .badMagic: text.add("not an ELF file (bad magic)")
        case .wrongClass(let found, _):
            text.add("wrong architecture: a "); addBits(found, to: &text); text.add(" image, this kernel runs ")
            addArchitectureName(ImageArchitecture.current.machine, to: &text)
        case .notLittleEndian(let found):
            if found == 2 { return text.add("a big-endian image, this kernel takes little-endian ones") }
            text.add("unknown ELF data encoding "); text.add(UInt64(found))
        case .unsupportedVersion(let version):
            text.add("unsupported ELF version "); text.add(UInt64(version)); text.add(", expected 1")
        case .notExecutable(let type):
            text.add("not an executable (ELF type "); text.add(UInt64(type)); text.add(type == 1 ? ": an object file)" : ")")
        case .wrongMachine(let found, let expected):
            text.add("wrong architecture: an image for "); addArchitectureName(found, to: &text)
            text.add(", this kernel runs "); addArchitectureName(expected, to: &text)
        case .badProgramHeaderSize(let size):
            text.add("bad program header size ("); text.add(UInt64(size)); text.add(" bytes)")
        case .programHeaderTableOutsideFile: text.add("the program header table lies outside the file")
        case .sectionHeaderTableOutsideFile: text.add("the section header table lies outside the file")
        case .lengthMismatch(let effective, let received):
            text.add("length mismatch: the headers describe "); text.add(UInt64(effective)); text.add(" bytes, ")
            text.add(UInt64(received)); text.add(" were received")
        case .noLoadableSegment: text.add("no loadable segment")
        case .tooManySegments(let count, let maximum):
            text.add("too many loadable segments: "); text.add(UInt64(count)); text.add(", at most "); text.add(UInt64(maximum))
        case .segmentOutsideFile(let index): addSegment(index, to: &text); text.add(" lies outside the file")
        case .fileSizeExceedsMemorySize(let index): addSegment(index, to: &text); text.add(" has more bytes in the file than in memory")
        case .physicalAddressDiffers(let index, let physical, let virtual):
            addSegment(index, to: &text); text.add(" is loaded at "); text.add(hex: physical); text.add(" but linked to run at ")
            text.add(hex: virtual); text.add("; these kernels are identity-mapped")
        case .segmentOutsideRAM(let index): addSegment(index, to: &text); text.add(" lies outside RAM")
        case .segmentOverlapsForbiddenRange(let index, let range):
            addSegment(index, to: &text); text.add(" overlaps protected range "); text.add(UInt64(range))
        case .segmentsOverlap(let index, let other):
            text.add("segments "); text.add(UInt64(index)); text.add(" and "); text.add(UInt64(other)); text.add(" overlap")
        case .entryNotInExecutableSegment(let entry):
            text.add("entry point "); text.add(hex: entry); text.add(" is not in an executable segment")
        case .malformedNotes: text.add("a note segment's notes do not fit their sizes")
        case .malformedLongModeEntryNote: text.add("the 64-bit entry note is not one 8-byte address")
        case .longModeEntryNotInExecutableSegment(let entry):
            text.add("64-bit entry "); text.add(hex: entry); text.add(" is not in an executable segment")
        }
    }
}

extension Hotswap.Failure {
    var reason: String {
        var text = TextBuilder()
        switch self {
        case .invalidImage(.segmentOverlapsForbiddenRange(let index, let range)):
            addSegment(index, to: &text); text.add(" overlaps "); text.add(Hotswap.protectedRangeName(range))
        case .invalidImage(let error): error.addReason(to: &text)
        case .stateNotSaved(let error): text.add("saving the state failed: "); error.addReason(to: &text)
        case .blockNotWritten: text.add("the soft-reset block could not be written")
        case .stubTooLarge: text.add("the hotswap stub does not fit its window")
        case .tooLargeForRollbackSlot(let capacity):
            text.add("larger than the rollback slot of "); text.add(byteSize: UInt64(capacity)); text.add(" (liu.rollback= sets it)")
        }
        return text.string
    }
}

extension StorageError {
    /// Why saving the state failed, for the update listener's answer.
    var reason: String { TextBuilder.string { addReason(to: &$0) } }

    func addReason(to text: inout TextBuilder) {
        switch self {
        case .outOfSpace(let payload, let available):
            text.add("an entry of "); text.add(byteSize: UInt64(payload)); text.add(" does not fit, ")
            text.add(byteSize: UInt64(available)); text.add(" left (liu.storage= sets the area's size)")
        case .heapCollision: text.add("the state would reach into the heap")
        case .areaTooSmall(let limit):
            text.add("the storage area of "); text.add(byteSize: UInt64(limit)); text.add(" is too small (liu.storage= sets it)")
        case .areaOverlapsHeap: text.add("the storage area overlaps the heap")
        case .canaryWriteFailed: text.add("the storage area is not plain RAM")
        case .payloadTooLarge(let length):
            text.add("an entry of "); text.add(byteSize: UInt64(length)); text.add(" is too large (at most 2 GiB)")
        case .notAWritableType: text.add("an entry type that cannot be written")
        default: text.add("the stored area does not validate")
        }
    }
}

/// "segment N".
private func addSegment(_ index: Int, to text: inout TextBuilder) {
    text.add("segment ")
    text.add(index)
}

/// An ELF machine (`e_machine`) as a person names the architecture.
private func addArchitectureName(_ machine: UInt16, to text: inout TextBuilder) {
    switch machine {
    case 3: text.add("i686 (x86, 32-bit)")
    case 62: text.add("x86_64")
    case 183: text.add("aarch64")
    default: text.add("ELF machine "); text.add(UInt64(machine))
    }
}

/// An ELF class (`e_ident[EI_CLASS]`) as a word size.
private func addBits(_ elfClass: UInt8, to text: inout TextBuilder) {
    switch elfClass {
    case 1: text.add("32-bit")
    case 2: text.add("64-bit")
    default: text.add("ELF class "); text.add(UInt64(elfClass))
    }
}

import LiveUpdate

extension ELFError {
    /// The reason a pushed image is refused, as the update listener answers it.
    var reason: String {
        switch self {
        case .truncatedHeader(let length): "too short for an ELF header (\(byteSize(length)))"
        case .badMagic: "not an ELF file (bad magic)"
        case .wrongClass(let found, _):
            "wrong architecture: a \(bits(found)) image, this kernel runs \(architectureName(ImageArchitecture.current.machine))"
        case .notLittleEndian(let found): found == 2 ? "a big-endian image, this kernel takes little-endian ones" : "unknown ELF data encoding \(found)"
        case .unsupportedVersion(let version): "unsupported ELF version \(version), expected 1"
        case .notExecutable(let type): "not an executable (ELF type \(type)\(type == 1 ? ": an object file" : ""))"
        case .wrongMachine(let found, let expected):
            "wrong architecture: an image for \(architectureName(found)), this kernel runs \(architectureName(expected))"
        case .badProgramHeaderSize(let size): "bad program header size (\(size) bytes)"
        case .programHeaderTableOutsideFile: "the program header table lies outside the file"
        case .sectionHeaderTableOutsideFile: "the section header table lies outside the file"
        case .lengthMismatch(let effective, let received): "length mismatch: the headers describe \(effective) bytes, \(received) were received"
        case .noLoadableSegment: "no loadable segment"
        case .tooManySegments(let count, let maximum): "too many loadable segments: \(count), at most \(maximum)"
        case .segmentOutsideFile(let index): "segment \(index) lies outside the file"
        case .fileSizeExceedsMemorySize(let index): "segment \(index) has more bytes in the file than in memory"
        case .physicalAddressDiffers(let index, let physical, let virtual):
            "segment \(index) is loaded at \(hex(physical)) but linked to run at \(hex(virtual)); these kernels are identity-mapped"
        case .segmentOutsideRAM(let index): "segment \(index) lies outside RAM"
        case .segmentOverlapsForbiddenRange(let index, let range): "segment \(index) overlaps protected range \(range)"
        case .segmentsOverlap(let index, let other): "segments \(index) and \(other) overlap"
        case .entryNotInExecutableSegment(let entry): "entry point \(hex(entry)) is not in an executable segment"
        case .malformedNotes: "a note segment's notes do not fit their sizes"
        case .malformedLongModeEntryNote: "the 64-bit entry note is not one 8-byte address"
        case .longModeEntryNotInExecutableSegment(let entry): "64-bit entry \(hex(entry)) is not in an executable segment"
        }
    }
}

extension Hotswap.Failure {
    var reason: String {
        switch self {
        case .invalidImage(.segmentOverlapsForbiddenRange(let index, let range)):
            "segment \(index) overlaps \(Hotswap.protectedRangeName(range).description)"
        case .invalidImage(let error): error.reason
        case .stateNotSaved(let error): "saving the state failed: \(error.reason)"
        case .blockNotWritten: "the soft-reset block could not be written"
        case .stubTooLarge: "the hotswap stub does not fit its window"
        case .tooLargeForRollbackSlot(let capacity): "larger than the rollback slot of \(byteSize(capacity)) (liu.rollback= sets it)"
        }
    }
}

extension StorageError {
    /// Why saving the state failed, for the update listener's answer.
    var reason: String {
        switch self {
        case .outOfSpace(let payload, let available): "an entry of \(byteSize(payload)) does not fit, \(byteSize(available)) left (liu.storage= sets the area's size)"
        case .heapCollision: "the state would reach into the heap"
        case .areaTooSmall(let limit): "the storage area of \(byteSize(limit)) is too small (liu.storage= sets it)"
        case .areaOverlapsHeap: "the storage area overlaps the heap"
        case .canaryWriteFailed: "the storage area is not plain RAM"
        case .payloadTooLarge(let length): "an entry of \(byteSize(length)) is too large (at most 2 GiB)"
        case .notAWritableType: "an entry type that cannot be written"
        default: "the stored area does not validate"
        }
    }
}

/// An ELF machine (`e_machine`) as a person names the architecture.
private func architectureName(_ machine: UInt16) -> String {
    switch machine {
    case 3: "i686 (x86, 32-bit)"
    case 62: "x86_64"
    case 183: "aarch64"
    default: "ELF machine \(machine)"
    }
}

/// An ELF class (`e_ident[EI_CLASS]`) as a word size.
private func bits(_ elfClass: UInt8) -> String {
    switch elfClass {
    case 1: "32-bit"
    case 2: "64-bit"
    default: "ELF class \(elfClass)"
    }
}

/// A size for a person (`5000 bytes`, `292.9 KiB`, `1.5 MiB`): bytes below 10 KiB, KiB below
/// 1 MiB, else MiB; one decimal (rounded down), integers only.
func byteSize(_ bytes: UInt64) -> String {
    if bytes < 10 << 10 { return "\(bytes) bytes" }
    let unit: UInt64 = bytes < 1 << 20 ? 1 << 10 : 1 << 20
    let name = bytes < 1 << 20 ? "KiB" : "MiB"
    let tenths = bytes / unit * 10 + bytes % unit * 10 / unit
    return tenths % 10 == 0 ? "\(tenths / 10) \(name)" : "\(tenths / 10).\(tenths % 10) \(name)"
}

func byteSize(_ bytes: Int) -> String { byteSize(UInt64(bytes)) }

/// `0x` and the hexadecimal digits, without leading zeros.
private func hex(_ value: UInt64) -> String {
    var text: [UInt8] = [48, 120]
    var shift = 60
    while shift > 0 && value >> UInt64(shift) == 0 { shift -= 4 }
    while shift >= 0 {
        let nibble = UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0xF
        text.append(nibble < 10 ? nibble + 48 : nibble + 87)
        shift -= 4
    }
    return String(decoding: text, as: UTF8.self)
}

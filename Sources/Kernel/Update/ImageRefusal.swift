import LiveUpdate

extension ELFError {
    /// The reason a pushed image is refused, as the update listener answers it.
    var reason: String {
        switch self {
        case .truncatedHeader(let length): "truncated ELF header (\(length) bytes)"
        case .badMagic: "not an ELF file (bad magic)"
        case .wrongClass(let found, let expected): "wrong ELF class \(found), expected \(expected)"
        case .notLittleEndian(let found): "not little-endian (data encoding \(found))"
        case .unsupportedVersion(let version): "unsupported ELF version \(version)"
        case .notExecutable(let type): "not an executable (type \(type))"
        case .wrongMachine(let found, let expected): "wrong machine \(found), expected \(expected)"
        case .badProgramHeaderSize(let size): "bad program header size \(size)"
        case .programHeaderTableOutsideFile: "program header table outside the file"
        case .sectionHeaderTableOutsideFile: "section header table outside the file"
        case .lengthMismatch(let effective, let received): "length mismatch: headers describe \(effective) bytes, received \(received)"
        case .noLoadableSegment: "no loadable segment"
        case .tooManySegments(let count, let maximum): "too many segments (\(count), at most \(maximum))"
        case .segmentOutsideFile(let index): "segment \(index) outside the file"
        case .fileSizeExceedsMemorySize(let index): "segment \(index) has a file size above its memory size"
        case .segmentOutsideRAM(let index): "segment \(index) outside RAM"
        case .segmentOverlapsForbiddenRange(let index, let range): "segment \(index) overlaps protected range \(range)"
        case .segmentsOverlap(let index, let other): "segments \(index) and \(other) overlap"
        case .entryNotInExecutableSegment(let entry): "entry point \(entry) not in an executable segment"
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
        case .tooLargeForRollbackSlot(let capacity): "larger than the rollback slot (\(capacity) bytes, liu.rollback=)"
        }
    }
}

extension StorageError {
    /// Why saving the state failed, for the update listener's answer.
    var reason: String {
        switch self {
        case .outOfSpace(let payload, let available): "an entry of \(payload) bytes does not fit (\(available) bytes left)"
        case .heapCollision: "the state would reach into the heap"
        case .areaTooSmall(let limit): "the storage area (\(limit) bytes) is too small"
        case .areaOverlapsHeap: "the storage area overlaps the heap"
        case .canaryWriteFailed: "the storage area is not plain RAM"
        case .payloadTooLarge(let length): "an entry of \(length) bytes is too large"
        case .notAWritableType: "an entry type that cannot be written"
        default: "the stored area does not validate"
        }
    }
}

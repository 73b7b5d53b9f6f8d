/// Why x86 boot information (Multiboot or PVH) was rejected.
public enum BootInfoError: Error, Equatable, Sendable {
    /// The structure does not start with the expected magic value.
    case badMagic(UInt32)
    /// A structure, table or string lies (partly) outside the readable physical memory.
    case outOfBounds
    /// A string has no terminating NUL within the allowed length.
    case unterminatedString
    /// Memory-map entries do not add up to the table's length.
    case malformedMemoryMap
    /// The memory map has more entries than `maximumMemoryMapEntries`.
    case tooManyEntries
    /// A module entry lies outside memory or ends before it starts.
    case malformedModule
}

/// Limits shared by the boot-information parsers.
enum BootInfoLimits {
    static let maximumMemoryMapEntries = 512
    static let maximumCommandLineLength = 4096
}

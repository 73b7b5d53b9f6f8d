/// Why a soft-reset block was refused (the new kernel then boots cold) or could not be written.
public enum SoftResetError: Error, Equatable, Sendable {
    case badMagic(UInt32)
    case unsupportedVersion(UInt16)
    /// The size field differs from `SoftResetBlock.size`.
    case badSize(UInt16)
    case checksumMismatch(stored: UInt32, computed: UInt32)
    /// A command line longer than `SoftResetBlock.commandLineCapacity`.
    case commandLineTooLong(Int)
    /// The memory range is empty or the counter frequency is zero: values no kernel can use.
    case implausibleValues
}

/// Why a command-line value is not an integer.
public enum CommandLineError: Error, Equatable, Sendable {
    /// Empty, or a character that is not a digit of the base.
    case notANumber
    /// Larger than `UInt64.max`.
    case overflow
}

/// Allocation-free reader for a kernel command line such as `console=ttyS0 quiet heap=0x4000000`:
/// arguments separated by spaces, tabs or newlines, each a bare flag or `key=value`. A NUL ends
/// the line. When a key repeats, the last value wins. No quoting.
public struct KernelCommandLine {
    public let bytes: UnsafeRawBufferPointer

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The value of the last `key=value` argument with this key (empty for `key=`). An
    /// argument's name is compared only where the key and `=` fit: the kernel asks for a dozen
    /// keys inside an update's downtime.
    public func value(for key: StaticString) -> UnsafeRawBufferPointer? {
        let nameCount = key.withUTF8Buffer { $0.count }
        var found: UnsafeRawBufferPointer?
        forEachArgument { argument in
            if argument.count > nameCount && argument[nameCount] == UInt8(ascii: "="),
               UnsafeRawBufferPointer(rebasing: argument[..<nameCount]).equals(key) {
                found = UnsafeRawBufferPointer(rebasing: argument[(nameCount + 1)...])
            }
        }
        return found
    }

    /// Whether the bare argument `flag` (without `=`) is present.
    public func contains(flag: StaticString) -> Bool {
        var found = false
        forEachArgument { argument in
            if Self.index(of: UInt8(ascii: "="), in: argument) == argument.count && argument.equals(flag) { found = true }
        }
        return found
    }

    /// The value of `key` as an integer (see `parseInteger`), or nil if the key is absent.
    public func integer(for key: StaticString) throws(CommandLineError) -> UInt64? {
        guard let value = value(for: key) else { return nil }
        return try Self.parseInteger(value)
    }

    /// Parses a decimal number, or a hexadecimal one with a `0x`/`0X` prefix.
    public static func parseInteger(_ text: UnsafeRawBufferPointer) throws(CommandLineError) -> UInt64 {
        var digits = text[...]
        var radix: UInt64 = 10
        if digits.count > 2, digits.first == UInt8(ascii: "0"),
           digits.dropFirst().first.map({ $0 | 0x20 }) == UInt8(ascii: "x") {
            radix = 16
            digits = digits.dropFirst(2)
        }
        guard !digits.isEmpty else { throw .notANumber }
        var value: UInt64 = 0
        for character in digits {
            guard let digit = digitValue(character), digit < radix else { throw .notANumber }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
            let (sum, carry) = shifted.addingReportingOverflow(digit)
            guard !overflow, !carry else { throw .overflow }
            value = sum
        }
        return value
    }

    /// Calls `body` with each argument, in one pass over the line up to its NUL.
    private func forEachArgument(_ body: (_ argument: UnsafeRawBufferPointer) -> Void) {
        let line = UnsafeRawBufferPointer(rebasing: bytes[..<Self.index(of: 0, in: bytes)])
        var start = 0
        while start < line.count {
            var end = start
            while end < line.count && !Self.isSeparator(line[end]) { end += 1 }
            if end > start { body(UnsafeRawBufferPointer(rebasing: line[start..<end])) }
            start = end + 1
        }
    }

    /// The first index of `byte` in `bytes`, or its count. A plain loop: the generic
    /// `firstIndex(of:)` cost an i686 kernel about 900 instructions a call, a dozen calls in an
    /// update's downtime.
    private static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer) -> Int {
        var index = 0
        while index < bytes.count && bytes[index] != byte { index += 1 }
        return index
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
    }

    private static func digitValue(_ character: UInt8) -> UInt64? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(character - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(character - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(character - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}

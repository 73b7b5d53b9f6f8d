import Kernel

/// Byte-level helpers: the service keeps keys, values and command names as UTF-8 bytes
/// (`String` comparison would pull in the Unicode tables, which the image does not have).
typealias Bytes = [UInt8]

extension Array where Element == UInt8 {
    init(_ text: StaticString) {
        self.init(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// ASCII letters in lower case: command names and options are matched case-insensitively.
    var lowercased: Bytes {
        map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
    }

    func equalsIgnoringCase(_ text: StaticString) -> Bool {
        guard count == text.utf8CodeUnitCount else { return false }
        for index in 0..<count where self[index] | 0x20 != text.utf8Start[index] | 0x20 { return false }
        return true
    }

    /// A decimal integer as Redis's string2ll reads it: an optional minus sign, no leading
    /// zeros, no spaces, within Int64.
    var integer: Int64? { Int64(redisDecimal: self[...]) }

    mutating func appendDecimal(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        let first = count
        var magnitude = value.magnitude
        repeat {
            append(UInt8(truncatingIfNeeded: magnitude % 10) + UInt8(ascii: "0"))
            magnitude /= 10
        } while magnitude > 0
        self[first...].reverse()
    }

    mutating func appendDecimal(_ value: Int) { appendDecimal(Int64(value)) }
}

extension Int64 {
    init?(redisDecimal digits: ArraySlice<UInt8>) {
        guard !digits.isEmpty, digits.count <= 20 else { return nil }
        var index = digits.startIndex
        let negative = digits[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < digits.endIndex else { return nil }
        if digits[index] == UInt8(ascii: "0") && digits.count > 1 { return nil }
        var magnitude: UInt64 = 0
        while index < digits.endIndex {
            let digit = digits[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
            index += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            self = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        } else {
            guard magnitude <= UInt64(Int64.max) else { return nil }
            self = Int64(magnitude)
        }
    }
}

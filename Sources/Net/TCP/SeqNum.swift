/// A TCP sequence number: 32-bit arithmetic modulo 2^32, compared as in RFC 9293 section 3.4
/// (valid for numbers less than 2^31 apart).
public struct SeqNum: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var raw: UInt32

    public init(_ raw: UInt32) { self.raw = raw }

    public static func < (lhs: SeqNum, rhs: SeqNum) -> Bool { Int32(bitPattern: lhs.raw &- rhs.raw) < 0 }

    public static func + (lhs: SeqNum, rhs: UInt32) -> SeqNum { SeqNum(lhs.raw &+ rhs) }
    public static func + (lhs: SeqNum, rhs: Int) -> SeqNum { SeqNum(lhs.raw &+ UInt32(truncatingIfNeeded: rhs)) }
    public static func - (lhs: SeqNum, rhs: UInt32) -> SeqNum { SeqNum(lhs.raw &- rhs) }
    public static func += (lhs: inout SeqNum, rhs: Int) { lhs = lhs + rhs }

    /// The signed distance from `rhs` to `lhs` (negative when `lhs < rhs`). Signed so that it
    /// behaves the same, and never traps, where `Int` is 32 bits.
    public static func - (lhs: SeqNum, rhs: SeqNum) -> Int { Int(Int32(bitPattern: lhs.raw &- rhs.raw)) }

    public var description: String { "\(raw)" }
}

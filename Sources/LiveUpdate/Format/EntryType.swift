/// The kind of an entry in a stored area (the `type` field of the entry header).
///
/// Raw values 0...1023 are reserved for the format; 1024...32767 are free for user-defined
/// entries, whose payload is an opaque byte string. Negative raw values are invalid.
public struct EntryType: RawRepresentable, Equatable, Sendable {
    public let rawValue: Int16

    public init(rawValue: Int16) {
        self.rawValue = rawValue
    }

    /// Always the last entry; no payload.
    public static let end = EntryType(rawValue: 0)
    /// Delimits a group of entries (see `Restore.popMarker(id:)`); no payload.
    public static let marker = EntryType(rawValue: 1)
    /// A signed integer that fits in 32 bits, carried in the length field; no payload.
    public static let int = EntryType(rawValue: 2)
    /// A signed 64-bit integer as an 8-byte payload.
    public static let int64 = EntryType(rawValue: 3)
    /// UTF-8 bytes.
    public static let string = EntryType(rawValue: 4)
    /// Opaque bytes (also used for trivial structs).
    public static let buffer = EntryType(rawValue: 5)
    /// Segment header `{count: UInt32, elementSize: UInt32}`, then the elements contiguously.
    public static let vector = EntryType(rawValue: 6)
    /// `count: UInt32`, then per element `length: UInt32` and its UTF-8 bytes.
    public static let stringVector = EntryType(rawValue: 7)
    /// A TCP connection; the payload layout belongs to the network module.
    public static let tcp = EntryType(rawValue: 8)

    /// The first raw value available to user-defined entry types.
    public static let firstUserDefined: Int16 = 1024

    /// A user-defined type; `nil` when `code` is outside 1024...32767.
    public static func userDefined(_ code: Int16) -> EntryType? {
        code >= firstUserDefined ? EntryType(rawValue: code) : nil
    }

    public var isUserDefined: Bool { rawValue >= Self.firstUserDefined }

    /// Whether this version of the format knows how to skip entries of this type.
    var isKnown: Bool { (Self.end.rawValue...Self.tcp.rawValue).contains(rawValue) || isUserDefined }

    /// Types whose payload is an opaque byte string readable with `Restore.asBytes()`.
    var hasOpaquePayload: Bool { self == .buffer || self == .tcp || isUserDefined }

    /// Types that carry no payload: the length field is not a byte count.
    var hasNoPayload: Bool { self == .end || self == .marker || self == .int }
}

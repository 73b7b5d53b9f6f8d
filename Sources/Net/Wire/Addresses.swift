import LiveUpdate

/// A 48-bit Ethernet address, held in the low bits of a UInt64 (first octet most significant).
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public let raw: UInt64

    public init(raw: UInt64) { self.raw = raw & 0xFFFF_FFFF_FFFF }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, _ e: UInt8, _ f: UInt8) {
        raw = [a, b, c, d, e, f].reduce(0) { $0 << 8 | UInt64($1) }
    }

    public static let broadcast = MACAddress(raw: 0xFFFF_FFFF_FFFF)
    public static let zero = MACAddress(raw: 0)

    public var isBroadcast: Bool { self == .broadcast }

    init(reading buffer: UnsafeRawBufferPointer, at offset: Int) {
        raw = UInt64(buffer.u16(offset)) << 32 | UInt64(buffer.u32(offset + 2))
    }

    func write(to buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer.put16(UInt16(truncatingIfNeeded: raw >> 32), at: offset)
        buffer.put32(UInt32(truncatingIfNeeded: raw), at: offset + 2)
    }

    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for index in 0 ..< 6 {
            let octet = Int((raw >> UInt64(40 - 8 * index)) & 0xFF)
            if index > 0 { text.append(UInt8(ascii: ":")) }
            text.append(digits[octet >> 4])
            text.append(digits[octet & 0xF])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let raw: UInt32

    public init(raw: UInt32) { self.raw = raw }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        raw = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses dotted-quad notation ("10.0.2.15"); nil for anything else.
    public init?(_ text: some StringProtocol) {
        self.init(utf8: text.utf8)
    }

    /// `init(_:)` on UTF-8 bytes, which is what the kernel has: no String, no Unicode tables.
    public init?(utf8 text: some Sequence<UInt8>) {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var octets = 0
        for byte in text {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return nil }
                value = value << 8 | octet
                octets += 1
                octet = 0
                digits = 0
            } else {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 3 else { return nil }
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard octet <= 255 else { return nil }
            }
        }
        guard digits > 0, octets == 3 else { return nil }
        raw = value << 8 | octet
    }

    public static let any = IPv4Address(raw: 0)
    public static let broadcast = IPv4Address(raw: 0xFFFF_FFFF)

    /// Netmask with `prefixLength` leading one bits.
    public static func netmask(prefixLength: Int) -> IPv4Address {
        precondition((0 ... 32).contains(prefixLength))
        return IPv4Address(raw: prefixLength == 0 ? 0 : UInt32.max << UInt32(32 - prefixLength))
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.raw < rhs.raw }

    public var description: String { TextBuilder.string { add(to: &$0) } }

    /// "10.0.2.15", without String interpolation (`TextBuilder`).
    func add(to text: inout TextBuilder) {
        for shift: UInt32 in [24, 16, 8, 0] {
            text.add(UInt64(raw >> shift & 0xFF))
            if shift > 0 { text.add(".") }
        }
    }
}

/// An IPv4 address and port.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
    public var ip: IPv4Address
    public var port: UInt16

    public init(_ ip: IPv4Address, _ port: UInt16) {
        self.ip = ip
        self.port = port
    }

    public var description: String {
        var text = TextBuilder()
        ip.add(to: &text)
        text.add(":")
        text.add(UInt64(port))
        return text.string
    }
}

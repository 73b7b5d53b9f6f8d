/// A connection's identity as bytes, for services that save per-connection state next to it
/// and find the restored connection again after an update (`tcp.connection(_:)`).
extension TCPConnectionID {
    /// The length of `bytes`.
    public static let byteCount = 12

    /// Local address and port, then remote address and port, big-endian.
    public var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.byteCount)
        for address in [local, remote] {
            for shift in [24, 16, 8, 0] { bytes.append(UInt8(truncatingIfNeeded: address.ip.raw >> UInt32(shift))) }
            bytes.append(UInt8(address.port >> 8))
            bytes.append(UInt8(truncatingIfNeeded: address.port))
        }
        return bytes
    }

    /// Reads the first `byteCount` bytes of `bytes` as written by `bytes`; nil when shorter.
    public init?(bytes: ArraySlice<UInt8>) {
        guard bytes.count >= Self.byteCount else { return nil }
        let start = bytes.startIndex
        let word = { (at: Int) in bytes[start + at..<start + at + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        let port = { (at: Int) in UInt16(bytes[start + at]) << 8 | UInt16(bytes[start + at + 1]) }
        self.init(local: SocketAddress(IPv4Address(raw: word(0)), port(4)),
                  remote: SocketAddress(IPv4Address(raw: word(6)), port(10)))
    }
}

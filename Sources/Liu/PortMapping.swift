/// `liu run -p [HOST_IP:]HOST_PORT:GUEST_PORT[/udp]`: a host port forwarded to a guest port by
/// QEMU user networking, as `docker run -p` writes it.
public struct PortMapping: Equatable, Sendable {
    public var hostAddress = "127.0.0.1"
    public var hostPort: UInt16
    public var guestPort: UInt16
    public var transport: UserNetwork.PortForward.Transport = .tcp

    public init(hostAddress: String = "127.0.0.1", hostPort: UInt16, guestPort: UInt16,
                transport: UserNetwork.PortForward.Transport = .tcp) {
        self.hostAddress = hostAddress
        self.hostPort = hostPort
        self.guestPort = guestPort
        self.transport = transport
    }

    public static func parse(_ text: String) throws(UsageError) -> PortMapping {
        var spec = Substring(text)
        var transport = UserNetwork.PortForward.Transport.tcp
        if let slash = spec.lastIndex(of: "/") {
            guard let named = UserNetwork.PortForward.Transport(rawValue: String(spec[spec.index(after: slash)...])) else {
                throw UsageError("-p \(text): the protocol after / is tcp or udp")
            }
            transport = named
            spec = spec[..<slash]
        }
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), let host = UInt16(parts[parts.count - 2]), let guest = UInt16(parts[parts.count - 1]),
              host > 0, guest > 0 else {
            throw UsageError("-p \(text): write [HOST_IP:]HOST_PORT:GUEST_PORT[/udp], ports 1 to 65535")
        }
        let address = parts.count == 3 ? String(parts[0]) : "127.0.0.1"
        let octets = address.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else {
            throw UsageError("-p \(text): the host address '\(address)' is not an IPv4 address")
        }
        return PortMapping(hostAddress: address, hostPort: host, guestPort: guest, transport: transport)
    }

    var forward: UserNetwork.PortForward {
        UserNetwork.PortForward(transport, hostAddress: hostAddress, hostPort: hostPort, guestPort: guestPort)
    }
}

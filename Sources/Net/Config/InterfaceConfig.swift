/// Addressing of the one network interface.
public struct InterfaceConfig: Hashable, Sendable {
    public var mac: MACAddress
    public var ip: IPv4Address
    public var netmask: IPv4Address
    public var gateway: IPv4Address?
    public var dns: IPv4Address?

    public init(mac: MACAddress, ip: IPv4Address = .any, netmask: IPv4Address = .any,
                gateway: IPv4Address? = nil, dns: IPv4Address? = nil) {
        self.mac = mac
        self.ip = ip
        self.netmask = netmask
        self.gateway = gateway
        self.dns = dns
    }

    /// True once an address is assigned (statically or by DHCP).
    public var isConfigured: Bool { ip != .any }

    public var subnetBroadcast: IPv4Address { IPv4Address(raw: ip.raw | ~netmask.raw) }

    public func isOnLink(_ address: IPv4Address) -> Bool {
        address.raw & netmask.raw == ip.raw & netmask.raw
    }

    /// Where a packet for `destination` goes on the wire: itself, the gateway, or nil (no route).
    func nextHop(for destination: IPv4Address) -> IPv4Address? {
        isOnLink(destination) ? destination : gateway
    }
}

/// The network part of a kernel command line.
///
/// Syntax: whitespace- or comma-separated `key=value` words; words with other keys are left to
/// other subsystems and ignored.
///   - `ip=A.B.C.D/PREFIX` static address (prefix 0...32, default 24) or `ip=dhcp`
///   - `gw=A.B.C.D` default gateway, `dns=A.B.C.D` name server
/// Example: `console=ttyS0 ip=10.0.2.15/24,gw=10.0.2.2,dns=10.0.2.3`
public enum AddressingMode: Hashable, Sendable {
    case dhcp
    case manual(ip: IPv4Address, netmask: IPv4Address, gateway: IPv4Address?, dns: IPv4Address?)

    public enum ParseError: Error, Equatable {
        case missingAddress
        case badValue(key: String, value: String)
    }

    public static func parse(commandLine: String) throws(ParseError) -> AddressingMode {
        var address: (IPv4Address, IPv4Address)?
        var useDHCP = false
        var gateway: IPv4Address?
        var dns: IPv4Address?
        let words = commandLine.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" })
        for word in words {
            guard let equals = word.firstIndex(of: "=") else { continue }
            let key = String(word[..<equals])
            let value = word[word.index(after: equals)...]
            let bad = ParseError.badValue(key: key, value: String(value))
            switch key {
            case "ip":
                if value == "dhcp" {
                    useDHCP = true
                } else {
                    guard let parsed = parseCIDR(value) else { throw bad }
                    address = parsed
                }
            case "gw":
                guard let ip = IPv4Address(value) else { throw bad }
                gateway = ip
            case "dns":
                guard let ip = IPv4Address(value) else { throw bad }
                dns = ip
            default:
                continue
            }
        }
        if useDHCP { return .dhcp }
        guard let (ip, netmask) = address else { throw .missingAddress }
        return .manual(ip: ip, netmask: netmask, gateway: gateway, dns: dns)
    }

    /// The interface configuration to start with: the static addresses, or none yet for DHCP.
    public func interfaceConfig(mac: MACAddress) -> InterfaceConfig {
        switch self {
        case .dhcp:
            return InterfaceConfig(mac: mac)
        case .manual(let ip, let netmask, let gateway, let dns):
            return InterfaceConfig(mac: mac, ip: ip, netmask: netmask, gateway: gateway, dns: dns)
        }
    }

    private static func parseCIDR(_ text: Substring) -> (IPv4Address, IPv4Address)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let ip = IPv4Address(parts[0]) else { return nil }
        var prefix = 24
        if parts.count == 2 {
            guard parts[1].count <= 2, let value = Int(parts[1]), (0 ... 32).contains(value) else { return nil }
            prefix = value
        }
        return (ip, .netmask(prefixLength: prefix))
    }
}

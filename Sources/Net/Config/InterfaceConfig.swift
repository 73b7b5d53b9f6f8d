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

    /// The key whose value was malformed. (No strings in the error: comparing them would pull
    /// Unicode normalization tables into the kernel.)
    public enum Key: Sendable, Equatable { case ip, gw, dns }

    public enum ParseError: Error, Equatable {
        case missingAddress
        case badValue(Key)
    }

    public static func parse(commandLine: String) throws(ParseError) -> AddressingMode {
        try parse(commandLine: Array(commandLine.utf8))
    }

    /// `parse(commandLine:)` on the line's UTF-8 bytes.
    public static func parse(commandLine: [UInt8]) throws(ParseError) -> AddressingMode {
        var address: (IPv4Address, IPv4Address)?
        var useDHCP = false
        var gateway: IPv4Address?
        var dns: IPv4Address?
        // Byte-level parsing: String comparisons and splitting would pull in Unicode tables.
        let separators: [UInt8] = [UInt8(ascii: " "), UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: "\n")]
        for word in commandLine.split(whereSeparator: { separators.contains($0) }) {
            guard let equals = word.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let key = word[..<equals]
            let value = word[(equals + 1)...]
            if key.elementsEqual("ip".utf8) {
                if value.elementsEqual("dhcp".utf8) {
                    useDHCP = true
                } else {
                    guard let parsed = parseCIDR(value) else { throw .badValue(.ip) }
                    address = parsed
                }
            } else if key.elementsEqual("gw".utf8) {
                guard let ip = IPv4Address(utf8: value) else { throw .badValue(.gw) }
                gateway = ip
            } else if key.elementsEqual("dns".utf8) {
                guard let ip = IPv4Address(utf8: value) else { throw .badValue(.dns) }
                dns = ip
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

    private static func parseCIDR(_ text: ArraySlice<UInt8>) -> (IPv4Address, IPv4Address)? {
        let parts = text.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count <= 2, let ip = IPv4Address(utf8: parts[0]) else { return nil }
        var prefix = 24
        if parts.count == 2 {
            let digits = parts[1]
            guard (1 ... 2).contains(digits.count), digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            else { return nil }
            prefix = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            guard prefix <= 32 else { return nil }
        }
        return (ip, .netmask(prefixLength: prefix))
    }
}

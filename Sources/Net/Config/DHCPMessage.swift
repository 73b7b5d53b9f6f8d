/// RFC 2131 / RFC 2132 message layout, limited to what a client needs.
struct DHCPMessage {
    enum Kind: UInt8 {
        case discover = 1, offer = 2, request = 3, decline = 4, ack = 5, nak = 6, release = 7
    }

    static let fixedSize = 236
    static let magicCookie: UInt32 = 0x6382_5363
    static let serverPort: UInt16 = 67
    static let clientPort: UInt16 = 68

    var kind: Kind
    var xid: UInt32
    var clientAddress = IPv4Address.any      // ciaddr
    var yourAddress = IPv4Address.any        // yiaddr
    var clientMAC: MACAddress
    var requestedAddress: IPv4Address?       // option 50
    var serverIdentifier: IPv4Address?       // option 54
    var subnetMask: IPv4Address?             // option 1
    var router: IPv4Address?                 // option 3 (first)
    var dns: IPv4Address?                    // option 6 (first)
    var leaseSeconds: UInt32?                // option 51

    init(kind: Kind, xid: UInt32, clientMAC: MACAddress) {
        self.kind = kind
        self.xid = xid
        self.clientMAC = clientMAC
    }

    /// Parses a server reply (op 2); nil when malformed or not a DHCP reply.
    init?(parsing packet: UnsafeRawBufferPointer) {
        guard packet.count >= Self.fixedSize + 4, packet.u8(0) == 2, packet.u8(1) == 1, packet.u8(2) == 6,
              packet.u32(Self.fixedSize) == Self.magicCookie else { return nil }
        xid = packet.u32(4)
        clientAddress = IPv4Address(raw: packet.u32(12))
        yourAddress = IPv4Address(raw: packet.u32(16))
        clientMAC = MACAddress(reading: packet, at: 28)
        var kind: Kind?
        var offset = Self.fixedSize + 4
        while offset < packet.count {
            let code = packet.u8(offset)
            if code == 255 { break }
            if code == 0 { offset += 1; continue }
            guard offset + 1 < packet.count else { return nil }
            let length = Int(packet.u8(offset + 1))
            guard let value = packet.slice(offset + 2, length) else { return nil }
            let address = length >= 4 ? IPv4Address(raw: value.u32(0)) : nil
            switch code {
            case 53: if length == 1 { kind = Kind(rawValue: value.u8(0)) }
            case 1: subnetMask = address
            case 3: router = address
            case 6: dns = address
            case 54: serverIdentifier = address
            case 51: if length == 4 { leaseSeconds = value.u32(0) }
            default: break
            }
            offset += 2 + length
        }
        guard let kind else { return nil }
        self.kind = kind
    }

    /// Encodes a client message (op 1, broadcast flag set).
    func encoded() -> [UInt8] {
        var options: [UInt8] = [53, 1, kind.rawValue]
        func addAddress(_ code: UInt8, _ address: IPv4Address?) {
            guard let address else { return }
            options += [code, 4, UInt8(address.raw >> 24), UInt8((address.raw >> 16) & 0xFF),
                        UInt8((address.raw >> 8) & 0xFF), UInt8(address.raw & 0xFF)]
        }
        addAddress(50, requestedAddress)
        addAddress(54, serverIdentifier)
        options += [55, 3, 1, 3, 6, 255]                 // parameter request list: mask, router, DNS
        var message = [UInt8](repeating: 0, count: Self.fixedSize + 4 + options.count)
        message.withUnsafeMutableBytes { raw in
            raw.put8(1, at: 0)
            raw.put8(1, at: 1)
            raw.put8(6, at: 2)
            raw.put32(xid, at: 4)
            raw.put16(0x8000, at: 10)
            raw.put32(clientAddress.raw, at: 12)
            clientMAC.write(to: raw, at: 28)
            raw.put32(Self.magicCookie, at: Self.fixedSize)
            raw.slice(Self.fixedSize + 4, options.count).copyBytes(from: options)
        }
        return message
    }
}

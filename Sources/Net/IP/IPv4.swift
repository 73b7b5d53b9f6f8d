enum IPProtocol {
    static let icmp: UInt8 = 1
    static let tcp: UInt8 = 6
    static let udp: UInt8 = 17
}

/// The fields of an IPv4 header the stack uses (RFC 791). Options are skipped, never interpreted.
struct IPv4Header {
    static let minimumSize = 20

    var source: IPv4Address
    var destination: IPv4Address
    var protocolNumber: UInt8
    var ttl: UInt8
    var headerLength: Int
    var totalLength: Int
    var isFragment: Bool

    init(parsing packet: UnsafeRawBufferPointer) throws(DropReason) {
        guard packet.count >= Self.minimumSize else { throw .truncated }
        let versionAndLength = packet.u8(0)
        headerLength = Int(versionAndLength & 0x0F) * 4
        guard versionAndLength >> 4 == 4, headerLength >= Self.minimumSize, headerLength <= packet.count else {
            throw .badHeaderLength
        }
        totalLength = Int(packet.u16(2))
        guard totalLength >= headerLength, totalLength <= packet.count else { throw .truncated }
        guard let header = packet.slice(0, headerLength), InternetChecksum.of(header) == 0 else { throw .badChecksum }
        let fragmentField = packet.u16(6)
        isFragment = fragmentField & 0x2000 != 0 || fragmentField & 0x1FFF != 0
        source = IPv4Address(raw: packet.u32(12))
        destination = IPv4Address(raw: packet.u32(16))
        protocolNumber = packet.u8(9)
        ttl = packet.u8(8)
    }

    /// Writes a 20-byte header (no options, DF set) including its checksum.
    static func write(to buffer: UnsafeMutableRawBufferPointer, source: IPv4Address, destination: IPv4Address,
                      protocolNumber: UInt8, payloadLength: Int, ttl: UInt8, identification: UInt16) {
        buffer.put8(0x45, at: 0)
        buffer.put8(0, at: 1)
        buffer.put16(UInt16(minimumSize + payloadLength), at: 2)
        buffer.put16(identification, at: 4)
        buffer.put16(0x4000, at: 6)
        buffer.put8(ttl, at: 8)
        buffer.put8(protocolNumber, at: 9)
        buffer.put16(0, at: 10)
        buffer.put32(source.raw, at: 12)
        buffer.put32(destination.raw, at: 16)
        buffer.put16(InternetChecksum.of(UnsafeRawBufferPointer(buffer.slice(0, minimumSize))), at: 10)
    }
}

/// Starts a TCP/UDP checksum with the RFC 793/768 pseudo-header.
func pseudoHeaderChecksum(source: IPv4Address, destination: IPv4Address, protocolNumber: UInt8, length: Int) -> InternetChecksum {
    var checksum = InternetChecksum()
    checksum.add(source.raw)
    checksum.add(destination.raw)
    checksum.add(UInt16(protocolNumber))
    checksum.add(UInt16(truncatingIfNeeded: length))
    return checksum
}

extension NetworkStack {
    /// Largest transport payload (transport header included) that fits one IPv4 packet.
    var maxIPPayload: Int { parameters.mtu - IPv4Header.minimumSize }

    func receiveIPv4(_ packet: UnsafeRawBufferPointer) {
        let header: IPv4Header
        do { header = try IPv4Header(parsing: packet) } catch { return stats.drop(error) }
        guard !header.isFragment else { return stats.drop(.fragment) }
        // Martian sources: broadcast, multicast, loopback, or our own address.
        guard header.source != .broadcast, header.source.raw >> 28 != 0xE, header.source.raw >> 24 != 127,
              !(config.isConfigured && header.source == config.ip) else { return stats.drop(.badAddress) }
        let broadcast = header.destination == .broadcast || (config.isConfigured && header.destination == config.subnetBroadcast)
        // Before an address is assigned, DHCP replies may be unicast to the offered address.
        let unconfiguredDHCP = !config.isConfigured && header.protocolNumber == IPProtocol.udp
        guard header.destination == config.ip && config.isConfigured || broadcast || unconfiguredDHCP else {
            return stats.drop(.notForUs)
        }
        let payload = packet.slice(header.headerLength, header.totalLength - header.headerLength)!
        switch header.protocolNumber {
        case IPProtocol.icmp: receiveICMP(payload, header: header, broadcast: broadcast)
        case IPProtocol.udp: receiveUDP(payload, header: header)
        case IPProtocol.tcp:
            guard !broadcast else { return stats.drop(.notForUs) }
            receiveTCP(payload, header: header)
        default: stats.drop(.unsupportedProtocol)
        }
    }

    /// Sends an IPv4 packet whose payload `fill` writes; queued behind ARP when the next hop is
    /// unknown. Returns false when there is no route.
    @discardableResult
    func sendIPv4(to destination: IPv4Address, protocolNumber: UInt8, payloadLength: Int,
                  source: IPv4Address? = nil, fill: (UnsafeMutableRawBufferPointer) -> Void) -> Bool {
        precondition(payloadLength <= maxIPPayload)
        let broadcast = destination == .broadcast || (config.isConfigured && destination == config.subnetBroadcast)
        guard broadcast || config.isConfigured, let nextHop = broadcast ? destination : config.nextHop(for: destination) else {
            return false
        }
        let ipLength = IPv4Header.minimumSize + payloadLength
        let frame = txBuffer.slice(0, EthernetHeader.size + ipLength)
        EthernetHeader(destination: .broadcast, source: config.mac, etherType: EtherType.ipv4).write(to: frame)
        let ip = frame.slice(EthernetHeader.size, ipLength)
        ipIdentification &+= 1
        IPv4Header.write(to: ip, source: source ?? config.ip, destination: destination, protocolNumber: protocolNumber,
                         payloadLength: payloadLength, ttl: parameters.defaultTTL, identification: ipIdentification)
        fill(ip.slice(IPv4Header.minimumSize, payloadLength))
        if broadcast {
            transmit(UnsafeRawBufferPointer(frame))
        } else {
            transmitResolving(frameLength: frame.count, nextHop: nextHop)
        }
        return true
    }
}

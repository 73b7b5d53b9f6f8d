/// RFC 826 ARP for IPv4 over Ethernet.
struct ARPPacket {
    static let size = 28
    static let request: UInt16 = 1
    static let reply: UInt16 = 2

    var operation: UInt16
    var senderMAC: MACAddress
    var senderIP: IPv4Address
    var targetMAC: MACAddress
    var targetIP: IPv4Address

    init(operation: UInt16, senderMAC: MACAddress, senderIP: IPv4Address, targetMAC: MACAddress, targetIP: IPv4Address) {
        self.operation = operation
        self.senderMAC = senderMAC
        self.senderIP = senderIP
        self.targetMAC = targetMAC
        self.targetIP = targetIP
    }

    /// nil when the packet is not Ethernet/IPv4 ARP or is too short.
    init?(parsing packet: UnsafeRawBufferPointer) {
        guard packet.count >= Self.size,
              packet.u16(0) == 1, packet.u16(2) == EtherType.ipv4, packet.u8(4) == 6, packet.u8(5) == 4
        else { return nil }
        operation = packet.u16(6)
        senderMAC = MACAddress(reading: packet, at: 8)
        senderIP = IPv4Address(raw: packet.u32(14))
        targetMAC = MACAddress(reading: packet, at: 18)
        targetIP = IPv4Address(raw: packet.u32(24))
    }

    func write(to packet: UnsafeMutableRawBufferPointer) {
        packet.put16(1, at: 0)
        packet.put16(EtherType.ipv4, at: 2)
        packet.put8(6, at: 4)
        packet.put8(4, at: 5)
        packet.put16(operation, at: 6)
        senderMAC.write(to: packet, at: 8)
        packet.put32(senderIP.raw, at: 14)
        targetMAC.write(to: packet, at: 18)
        packet.put32(targetIP.raw, at: 24)
    }
}

/// The neighbour cache plus the packets waiting for an address to resolve.
struct ARPTable {
    struct Entry {
        var mac: MACAddress
        var expires: UInt64
    }

    struct Resolution {
        var frames: [[UInt8]] = []    // complete Ethernet frames; the destination MAC is patched in
        var attempts = 0
        var nextRetry: UInt64 = 0
    }

    var entries = HashMap<IPv4Address, Entry>()
    var pending = HashMap<IPv4Address, Resolution>()

    func lookup(_ ip: IPv4Address, now: UInt64) -> MACAddress? {
        guard let entry = entries[ip], entry.expires > now else { return nil }
        return entry.mac
    }

    var nextRetry: UInt64? { pending.values.reduce(nil) { earliest($0, $1.nextRetry) } }
}

extension NetworkStack {
    /// The live cache entry for `ip`, if any (for diagnostics and tests).
    public func arpCacheEntry(for ip: IPv4Address) -> MACAddress? { arp.lookup(ip, now: now) }

    func receiveARP(_ payload: UnsafeRawBufferPointer) {
        guard let packet = ARPPacket(parsing: payload) else { return stats.drop(.truncated) }
        guard !packet.senderMAC.isBroadcast, packet.senderIP != .broadcast else { return stats.drop(.badAddress) }
        let forUs = config.isConfigured && packet.targetIP == config.ip
        // RFC 826 merge: refresh an existing entry; create one only when the packet is for us.
        if packet.senderIP != .any, forUs || arp.entries[packet.senderIP] != nil {
            learn(packet.senderIP, is: packet.senderMAC)
        }
        guard forUs else { return }
        if packet.operation == ARPPacket.request {
            sendARP(ARPPacket(operation: ARPPacket.reply, senderMAC: config.mac, senderIP: config.ip,
                              targetMAC: packet.senderMAC, targetIP: packet.senderIP), to: packet.senderMAC)
        }
    }

    private func learn(_ ip: IPv4Address, is mac: MACAddress) {
        arp.entries[ip] = ARPTable.Entry(mac: mac, expires: now &+ parameters.arpEntryLifetime)
        guard let waiting = arp.pending.removeValue(forKey: ip) else { return }
        for var frame in waiting.frames {
            frame.withUnsafeMutableBytes { bytes in
                mac.write(to: bytes, at: 0)
                transmit(UnsafeRawBufferPointer(bytes))
            }
        }
    }

    private func sendARP(_ packet: ARPPacket, to destination: MACAddress) {
        sendEthernet(to: destination, etherType: EtherType.arp, payloadLength: ARPPacket.size) { packet.write(to: $0) }
    }

    private func sendARPRequest(for ip: IPv4Address) {
        sendARP(ARPPacket(operation: ARPPacket.request, senderMAC: config.mac, senderIP: config.ip,
                          targetMAC: .zero, targetIP: ip), to: .broadcast)
    }

    /// Sends the frame in `txBuffer` to `nextHop`, resolving its MAC address first if needed.
    func transmitResolving(frameLength: Int, nextHop: IPv4Address) {
        let frame = txBuffer.slice(0, frameLength)
        if let mac = arp.lookup(nextHop, now: now) {
            mac.write(to: frame, at: 0)
            return transmit(UnsafeRawBufferPointer(frame))
        }
        var resolution = arp.pending[nextHop] ?? ARPTable.Resolution()
        guard resolution.frames.count < parameters.arpMaxQueuedPerAddress else { return stats.drop(.arpQueueFull) }
        resolution.frames.append(Array(UnsafeRawBufferPointer(frame)))
        let firstRequest = resolution.attempts == 0
        if firstRequest {
            resolution.attempts = 1
            resolution.nextRetry = now &+ parameters.arpRetryInterval
        }
        arp.pending[nextHop] = resolution
        if firstRequest { sendARPRequest(for: nextHop) }
    }

    func runARPTimers() {
        for (ip, var resolution) in arp.pending where resolution.nextRetry <= now {
            if resolution.attempts >= parameters.arpMaxAttempts {
                arp.pending[ip] = nil
                for _ in resolution.frames { stats.drop(.arpUnresolved) }
                continue
            }
            resolution.attempts += 1
            resolution.nextRetry = now &+ parameters.arpRetryInterval
            arp.pending[ip] = resolution
            sendARPRequest(for: ip)
        }
        if arp.entries.count > 64 {
            arp.entries.removeAll { $0.value.expires <= now }
        }
    }
}

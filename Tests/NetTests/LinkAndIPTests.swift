import TestSupport
import Testing
import Net

@Suite struct ARPTests {
    @Test func answersRequestForOurAddress() {
        let host = CapturedStack()
        let request = Frames.ethernet(to: .broadcast, from: CapturedStack.peerMAC, type: 0x0806,
                                      Frames.arp(operation: 1, senderMAC: CapturedStack.peerMAC, senderIP: CapturedStack.peerIP,
                                                 targetMAC: .zero, targetIP: CapturedStack.ip))
        let replies = host.deliver(request)
        #expect(replies.count == 1)
        let expected = Frames.ethernet(to: CapturedStack.peerMAC, from: CapturedStack.mac, type: 0x0806,
                                       Frames.arp(operation: 2, senderMAC: CapturedStack.mac, senderIP: CapturedStack.ip,
                                                  targetMAC: CapturedStack.peerMAC, targetIP: CapturedStack.peerIP))
        #expect(replies.first?.bytes == expected)
        #expect(host.stack.arpCacheEntry(for: CapturedStack.peerIP) == CapturedStack.peerMAC)
    }

    @Test func ignoresRequestsForOthers() {
        let host = CapturedStack()
        let request = Frames.ethernet(to: .broadcast, from: CapturedStack.peerMAC, type: 0x0806,
                                      Frames.arp(operation: 1, senderMAC: CapturedStack.peerMAC, senderIP: CapturedStack.peerIP,
                                                 targetMAC: .zero, targetIP: IPv4Address(10, 0, 2, 99)))
        #expect(host.deliver(request).isEmpty)
        #expect(host.stack.arpCacheEntry(for: CapturedStack.peerIP) == nil)
    }

    @Test func resolvesBeforeSendingAndExpires() throws {
        let host = CapturedStack()
        let socket = try host.stack.udp.bind(port: 5000)
        host.output.removeAll()
        try socket.send([1, 2, 3], to: SocketAddress(CapturedStack.peerIP, 9))
        // Only an ARP request goes out; the datagram waits.
        let first = host.output.map(Decoded.init)
        #expect(first.count == 1 && first[0].isARP && first[0].u16(20) == 1)
        #expect(Array(first[0].bytes[38 ..< 42]) == bytes(CapturedStack.peerIP))
        let reply = Frames.ethernet(to: CapturedStack.mac, from: CapturedStack.peerMAC, type: 0x0806,
                                    Frames.arp(operation: 2, senderMAC: CapturedStack.peerMAC, senderIP: CapturedStack.peerIP,
                                               targetMAC: CapturedStack.mac, targetIP: CapturedStack.ip))
        let flushed = host.deliver(reply)
        #expect(flushed.count == 1 && flushed[0].isUDP)
        #expect(Array(flushed[0].bytes[0 ..< 6]) == bytes(CapturedStack.peerMAC))
        #expect(flushed[0].checksumsValid)
        // After the entry lifetime the address must be resolved again.
        host.advance(by: host.stack.parameters.arpEntryLifetime + 1)
        #expect(host.stack.arpCacheEntry(for: CapturedStack.peerIP) == nil)
        host.output.removeAll()
        try socket.send([4], to: SocketAddress(CapturedStack.peerIP, 9))
        #expect(host.output.map(Decoded.init).allSatisfy { $0.isARP })
    }

    @Test func gatewayIsResolvedForOffLinkDestinations() throws {
        let host = CapturedStack()
        let socket = try host.stack.udp.bind()
        host.output.removeAll()
        try socket.send([1], to: SocketAddress(IPv4Address(8, 8, 8, 8), 53))
        let request = Decoded(host.output[0])
        #expect(request.isARP && Array(request.bytes[38 ..< 42]) == bytes(CapturedStack.peerIP))
    }

    @Test func unansweredResolutionDropsQueuedPackets() throws {
        let host = CapturedStack()
        let socket = try host.stack.udp.bind()
        host.output.removeAll()
        try socket.send([1], to: SocketAddress(IPv4Address(10, 0, 2, 77), 9))
        let retries = host.advance(by: 10 * second)
        #expect(retries.count == host.stack.parameters.arpMaxAttempts - 1)
        #expect(host.stack.stats[.arpUnresolved] == 1)
        #expect(host.stack.nextDeadline == nil)
    }
}

@Suite struct ICMPTests {
    @Test func answersPing() {
        let host = CapturedStack()
        host.learnPeer()
        var echo: [UInt8] = [8, 0, 0, 0] + be16(0x4242) + be16(7) + Array("swift-liveupdate ping".utf8)
        let checksum = referenceChecksum(echo)
        echo[2] = UInt8(checksum >> 8)
        echo[3] = UInt8(checksum & 0xFF)
        let replies = host.deliverIP(proto: 1, echo)
        #expect(replies.count == 1)
        guard let reply = replies.first else { return }
        #expect(reply.ipDestination == CapturedStack.peerIP && reply.ipSource == CapturedStack.ip)
        let icmp = Array(reply.bytes[34...])
        #expect(icmp[0] == 0 && icmp[1] == 0)
        #expect(Array(icmp[4...]) == Array(echo[4...]))
        #expect(referenceChecksum(icmp) == 0)
        #expect(referenceChecksum(Array(reply.bytes[14 ..< 34])) == 0)
    }

    @Test func dropsBadPings() {
        let host = CapturedStack()
        host.learnPeer()
        let broken: [UInt8] = [8, 0, 0x12, 0x34, 0, 1, 0, 1]
        #expect(host.deliverIP(proto: 1, broken).isEmpty)
        #expect(host.stack.stats[.badChecksum] == 1)
        #expect(host.deliverIP(proto: 1, [8, 0, 0]).isEmpty)
        #expect(host.stack.stats[.truncated] == 1)
        // A jumbo echo request (larger than our MTU allows in reply) is dropped, not answered.
        var jumbo: [UInt8] = [8, 0, 0, 0, 0, 1, 0, 1] + [UInt8](repeating: 0xAB, count: 3000)
        let checksum = referenceChecksum(jumbo)
        jumbo[2] = UInt8(checksum >> 8)
        jumbo[3] = UInt8(checksum & 0xFF)
        #expect(host.deliverIP(proto: 1, jumbo).isEmpty)
        #expect(host.stack.stats[.oversized] == 1)
    }
}

@Suite struct UDPTests {
    @Test func echoBetweenTwoStacks() throws {
        let wire = TestWire()
        let server = try wire.b.udp.bind(port: 7)
        server.onReceive = { from, payload in try? server.send(Array(payload), to: from) }
        let client = try wire.a.udp.bind()
        var received: [UInt8] = []
        var source: SocketAddress?
        client.onReceive = { from, payload in received = Array(payload); source = from }
        try client.send(Array("hello over udp".utf8), to: SocketAddress(TestWire.ips[1], 7))
        #expect(wire.run(until: { !received.isEmpty }))
        #expect(received == Array("hello over udp".utf8))
        #expect(source == SocketAddress(TestWire.ips[1], 7))
    }

    @Test func unconfiguredStackOnlyBroadcasts() throws {
        let host = CapturedStack(configured: false)
        let socket = try host.stack.udp.bind(port: 68)
        #expect(throws: NetError.noRoute) { try socket.send([1], to: SocketAddress(IPv4Address(10, 0, 2, 2), 67)) }
        try socket.send([1], to: SocketAddress(.broadcast, 67))
        let frame = try #require(host.output.last.map(Decoded.init))
        #expect(frame.isUDP && frame.ipSource == .any && Array(frame.bytes[0 ..< 6]) == bytes(MACAddress.broadcast))
        #expect(frame.checksumsValid)
    }

    @Test func bindRules() throws {
        let wire = TestWire()
        let socket = try wire.a.udp.bind(port: 53)
        #expect(throws: NetError.portInUse) { try wire.a.udp.bind(port: 53) }
        socket.close()
        #expect(throws: NetError.socketClosed) { try socket.send([1], to: SocketAddress(TestWire.ips[1], 1)) }
        _ = try wire.a.udp.bind(port: 53)
        let big = [UInt8](repeating: 0, count: 1473)
        #expect(throws: NetError.messageTooLong) { try wire.a.udp.bind().send(big, to: SocketAddress(TestWire.ips[1], 1)) }
    }

    @Test func dropsCorruptAndUnboundDatagrams() throws {
        let host = CapturedStack()
        host.learnPeer()
        let socket = try host.stack.udp.bind(port: 9)
        var count = 0
        socket.onReceive = { _, _ in count += 1 }
        let from = SocketAddress(CapturedStack.peerIP, 1234)
        var datagram = Frames.udp(from: from, to: SocketAddress(CapturedStack.ip, 9), [1, 2, 3])
        _ = host.deliverIP(proto: 17, datagram)
        #expect(count == 1)
        datagram[9] ^= 0xFF
        _ = host.deliverIP(proto: 17, datagram)
        #expect(host.stack.stats[.badChecksum] == 1)
        var lying = Frames.udp(from: from, to: SocketAddress(CapturedStack.ip, 9), [1, 2, 3])
        lying[4] = 0; lying[5] = 40                      // length beyond the packet
        _ = host.deliverIP(proto: 17, lying)
        #expect(host.stack.stats[.badHeaderLength] == 1)
        _ = host.deliverIP(proto: 17, Frames.udp(from: from, to: SocketAddress(CapturedStack.ip, 10), [1]))
        #expect(host.stack.stats[.noListener] == 1)
        #expect(count == 1)
    }
}

@Suite struct MalformedFrameTests {
    @Test func truncatedAndBogusFramesAreCounted() {
        let host = CapturedStack()
        let before = host.stack.stats
        _ = host.deliver([0x02, 0, 0])                                              // runt
        _ = host.deliver(Frames.ethernet(to: CapturedStack.mac, from: CapturedStack.peerMAC, type: 0x0800, [0x45, 0]))
        _ = host.deliver(Frames.ethernet(to: CapturedStack.mac, from: CapturedStack.peerMAC, type: 0x86DD, [0]))
        _ = host.deliver(Frames.ethernet(to: MACAddress(2, 9, 9, 9, 9, 9), from: CapturedStack.peerMAC, type: 0x0800, []))
        _ = host.deliver(Frames.ethernet(to: CapturedStack.mac, from: CapturedStack.peerMAC, type: 0x0806, [0, 1, 8]))
        #expect(host.stack.stats[.truncated] == before[.truncated] + 3)
        #expect(host.stack.stats[.unsupportedProtocol] == 1)
        #expect(host.stack.stats[.notForUs] == 1)
    }

    @Test func badIPHeaders() {
        let host = CapturedStack()
        let good = Frames.ipv4(from: CapturedStack.peerIP, to: CapturedStack.ip, proto: 17,
                               Frames.udp(from: SocketAddress(CapturedStack.peerIP, 1), to: SocketAddress(CapturedStack.ip, 2), []))
        func send(_ ip: [UInt8]) { _ = host.deliver(Frames.ethernet(to: CapturedStack.mac, from: CapturedStack.peerMAC, type: 0x0800, ip)) }
        var shortIHL = good; shortIHL[0] = 0x44
        send(shortIHL)
        var longIHL = good; longIHL[0] = 0x4F
        send(longIHL)
        var version6 = good; version6[0] = 0x65
        send(version6)
        #expect(host.stack.stats[.badHeaderLength] == 3)
        var badSum = good; badSum[10] ^= 1
        send(badSum)
        #expect(host.stack.stats[.badChecksum] == 1)
        var tooLong = good; tooLong[2] = 0x10     // total length larger than the frame (checksum fixed below)
        tooLong[10] = 0; tooLong[11] = 0
        let checksum = referenceChecksum(Array(tooLong[0 ..< 20]))
        tooLong[10] = UInt8(checksum >> 8); tooLong[11] = UInt8(checksum & 0xFF)
        send(tooLong)
        #expect(host.stack.stats[.truncated] == 1)
        send(Frames.ipv4(from: CapturedStack.peerIP, to: CapturedStack.ip, proto: 17, flagsFragment: 0x2000, [0, 0, 0, 0]))
        send(Frames.ipv4(from: CapturedStack.peerIP, to: CapturedStack.ip, proto: 17, flagsFragment: 0x0010, [0, 0, 0, 0]))
        #expect(host.stack.stats[.fragment] == 2)
        send(Frames.ipv4(from: CapturedStack.peerIP, to: IPv4Address(10, 0, 2, 99), proto: 17, [0]))
        #expect(host.stack.stats[.notForUs] == 1)
        send(Frames.ipv4(from: CapturedStack.peerIP, to: CapturedStack.ip, proto: 99, [0]))
        #expect(host.stack.stats[.unsupportedProtocol] == 1)
        for martian in [IPv4Address(127, 0, 0, 1), IPv4Address(224, 0, 0, 1), .broadcast, CapturedStack.ip] {
            send(Frames.ipv4(from: martian, to: CapturedStack.ip, proto: 17, [0]))
        }
        #expect(host.stack.stats[.badAddress] == 4)
        #expect(host.output.isEmpty)
    }

    @Test func randomGarbageNeverCrashes() {
        let host = CapturedStack()
        host.learnPeer()
        _ = try? host.stack.tcp.listen(port: 80)
        var random = SplitMix64(seed: 99)
        let template = Frames.ethernet(to: CapturedStack.mac, from: CapturedStack.peerMAC, type: 0x0800,
                                       Frames.ipv4(from: CapturedStack.peerIP, to: CapturedStack.ip, proto: 6,
                                                   Frames.tcp(from: SocketAddress(CapturedStack.peerIP, 1000),
                                                              to: SocketAddress(CapturedStack.ip, 80), seq: 1, flags: .syn,
                                                              options: [2, 4, 5, 0xB4, 3, 3, 7, 0])))
        for _ in 0 ..< 20000 {
            var frame = template
            for _ in 0 ..< 1 + random.below(6) {
                frame[Int(random.below(UInt64(frame.count)))] = UInt8(truncatingIfNeeded: random.next())
            }
            frame.removeLast(Int(random.below(UInt64(frame.count / 2))))
            _ = host.deliver(frame)
        }
        #expect(host.stack.stats.totalDropped > 15000)
    }
}

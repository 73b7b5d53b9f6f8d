import Testing
import Net

@Suite struct TCPHandshakeTests {
    /// A service that answers and closes as soon as it accepts (a busy update port): the SYN is
    /// acknowledged first, so the answer's first byte is not sent in the SYN's sequence number.
    @Test func bytesWrittenOnAcceptArriveWhole() throws {
        let wire = TestWire()
        let listener = try wire.b.tcp.listen(port: 7001)
        listener.onAccept = { connection in
            _ = connection.write(Array("refused: busy\n".utf8))
            connection.close()
        }
        let client = try wire.a.tcp.connect(to: SocketAddress(TestWire.ips[1], 7001))
        var received: [UInt8] = []
        client.onReadable = { received += client.readAll() }
        #expect(wire.run(until: { client.isAtEndOfStream }))
        #expect(String(decoding: received, as: UTF8.self) == "refused: busy\n")
    }

    /// `connections(localPort:)` picks one port's connections out of the table, in any state,
    /// and no other port's (an active open's local port is ephemeral).
    @Test func connectionsOnALocalPort() throws {
        let wire = TestWire()
        for port: UInt16 in [7001, 7002] { try wire.b.tcp.listen(port: port).onAccept = { _ in } }
        let clients = try [7001, 7001, 7002].map { try wire.a.tcp.connect(to: SocketAddress(TestWire.ips[1], $0)) }
        #expect(wire.run(until: { clients.allSatisfy { $0.state == .established } && wire.b.tcp.connectionCount == 3 }))
        clients[0].close()
        #expect(wire.run(until: { wire.b.tcp.connections.contains { $0.state == .closeWait } }))
        let onFirst = wire.b.tcp.connections(localPort: 7001)
        #expect(Set(onFirst.map(\.remoteAddress.port)) == Set(clients[0 ... 1].map(\.localAddress.port)))
        #expect(Set(onFirst.map(\.state)) == [.established, .closeWait])
        #expect(wire.b.tcp.connections(localPort: 7002).map(\.remoteAddress.port) == [clients[2].localAddress.port])
        #expect(wire.b.tcp.connections(localPort: 7003).isEmpty && wire.a.tcp.connections(localPort: 7001).isEmpty)
    }

    @Test func synAckIsExact() throws {
        let peer = TCPPeer()
        let synAck = try peer.establish()
        #expect(synAck.isTCP && synAck.checksumsValid)
        #expect(synAck.ipSource == CapturedStack.ip && synAck.ipDestination == CapturedStack.peerIP)
        #expect(synAck.sourcePort == 80 && synAck.destinationPort == 40000)
        #expect(synAck.flags == [.syn, .ack])
        #expect(synAck.ack == 1_000_001)
        // Receive buffer 256 KiB: window field is capped at 65535 in the SYN, scale 3 announced.
        #expect(synAck.window == 65535)
        #expect(synAck.tcpOptions == [2, 4, 0x05, 0xB4, 1, 3, 3, 3])
        #expect(synAck.tcpPayload.isEmpty)
        #expect(Array(synAck.bytes[0 ..< 6]) == bytes(CapturedStack.peerMAC))
        let info = try #require(peer.connection?.info)
        #expect(info.state == .established)
        #expect(info.sndScale == 7 && info.rcvScale == 3)
        #expect(info.sndWnd == 65535 << 7)
        #expect(info.sndMSS == 1460)
    }

    @Test func withoutWindowScaleBothScalesAreZero() throws {
        let peer = TCPPeer()
        let synAck = try peer.establish(synOptions: [2, 4, 0x02, 0x18])      // MSS 536 only
        #expect(synAck.tcpOptions == [2, 4, 0x05, 0xB4])
        let info = try #require(peer.connection?.info)
        #expect(info.sndScale == 0 && info.rcvScale == 0 && info.sndMSS == 536)
    }

    @Test func initialSequenceNumbersDifferPerTupleAndSecret() throws {
        func iss(seed: UInt64, peerPort: UInt16) throws -> UInt32 {
            let host = CapturedStack(seed: seed)
            host.learnPeer()
            _ = try host.stack.tcp.listen(port: 80)
            let synAck = try #require(host.deliverTCP(port: 80, peerPort: peerPort, seq: 5, flags: .syn).first)
            return synAck.seq
        }
        let base = try iss(seed: 1, peerPort: 1000)
        #expect(try iss(seed: 1, peerPort: 1000) == base)       // deterministic for tests
        #expect(try iss(seed: 1, peerPort: 1001) != base)
        #expect(try iss(seed: 2, peerPort: 1000) != base)
    }

    @Test func closedPortAnswersWithReset() {
        let host = CapturedStack()
        host.learnPeer()
        let synReply = host.deliverTCP(port: 81, seq: 500, flags: .syn)
        #expect(synReply.count == 1)
        #expect(synReply[0].flags == [.rst, .ack] && synReply[0].seq == 0 && synReply[0].ack == 501)
        let ackReply = host.deliverTCP(port: 81, seq: 500, ack: 777, flags: .ack)
        #expect(ackReply.count == 1 && ackReply[0].flags == .rst && ackReply[0].seq == 777)
        #expect(host.deliverTCP(port: 81, seq: 500, flags: .rst).isEmpty)
        #expect(host.stack.stats[.noListener] == 3)
    }

    @Test func lostSynAckIsRetransmitted() throws {
        let host = CapturedStack()
        host.learnPeer()
        _ = try host.stack.tcp.listen(port: 80)
        let first = host.deliverTCP(port: 80, seq: 10, flags: .syn)
        let again = host.deliverTCP(port: 80, seq: 10, flags: .syn)
        #expect(again.count == 1 && again[0].flags == [.syn, .ack] && again[0].seq == first[0].seq)
        let timedOut = host.advance(by: 1 * second + 1)
        #expect(timedOut.count == 1 && timedOut[0].flags == [.syn, .ack])
        // After the SYN retransmission limit the half-open connection disappears.
        host.advance(by: 200 * second)
        #expect(host.stack.tcp.connectionCount == 0)
    }

    @Test func finalAckMayCarryData() throws {
        let host = CapturedStack()
        host.learnPeer()
        let listener = try host.stack.tcp.listen(port: 80)
        var received: [UInt8] = []
        listener.onAccept = { connection in connection.onReadable = { received += connection.readAll() } }
        let synAck = host.deliverTCP(port: 80, seq: 100, flags: .syn)
        host.deliverTCP(port: 80, seq: 101, ack: synAck[0].seq &+ 1, flags: [.ack, .psh], payload: Array("GET /".utf8))
        #expect(received == Array("GET /".utf8))
    }

    @Test func resetOfHalfOpenConnectionFreesBacklogSlot() throws {
        let host = CapturedStack()
        host.learnPeer()
        let listener = try host.stack.tcp.listen(port: 80, backlog: 1)
        var accepted = 0
        listener.onAccept = { _ in accepted += 1 }
        host.deliverTCP(port: 80, seq: 100, flags: .syn)
        #expect(listener.halfOpenCount == 1)
        #expect(host.deliverTCP(port: 80, peerPort: 40001, seq: 5, flags: .syn).isEmpty)      // backlog full
        host.deliverTCP(port: 80, seq: 101, flags: .rst)
        #expect(listener.halfOpenCount == 0 && host.stack.tcp.connectionCount == 0 && accepted == 0)
        #expect(host.deliverTCP(port: 80, peerPort: 40001, seq: 5, flags: .syn).count == 1)
    }

    @Test func closedListenerRefusesNewConnections() throws {
        let host = CapturedStack()
        host.learnPeer()
        let listener = try host.stack.tcp.listen(port: 80)
        #expect(throws: NetError.portInUse) { try host.stack.tcp.listen(port: 80) }
        listener.close()
        let reply = host.deliverTCP(port: 80, seq: 1, flags: .syn)
        #expect(reply.count == 1 && reply[0].flags == [.rst, .ack])
        _ = try host.stack.tcp.listen(port: 80)
    }

    @Test func backlogLimitsHalfOpenConnections() throws {
        let host = CapturedStack()
        host.learnPeer()
        let listener = try host.stack.tcp.listen(port: 80, backlog: 2)
        var synAcks = 0
        for port in UInt16(2000) ..< 2005 {
            synAcks += host.deliverTCP(port: 80, peerPort: port, seq: 1, flags: .syn).count
        }
        #expect(synAcks == 2)
        #expect(listener.halfOpenCount == 2)
        #expect(host.stack.stats[.backlogFull] == 3)
    }

    @Test func staleHalfOpenConnectionGivesWayToANewSYN() throws {
        let host = CapturedStack()
        host.learnPeer()
        let listener = try host.stack.tcp.listen(port: 80, backlog: 2)
        let first = host.deliverTCP(port: 80, peerPort: 2000, seq: 1, flags: .syn)
        host.deliverTCP(port: 80, peerPort: 2001, seq: 1, flags: .syn)
        host.advance(by: 1 * second + 1)                              // both SYN-ACKs retransmitted
        let newest = host.deliverTCP(port: 80, peerPort: 2002, seq: 1, flags: .syn)
        #expect(newest.count == 1 && newest.first?.flags == [.syn, .ack])
        #expect(listener.halfOpenCount == 2 && host.stack.stats[.backlogFull] == 1)
        // The oldest gave way: its handshake's last ACK finds no connection and is reset.
        let late = host.deliverTCP(port: 80, peerPort: 2000, seq: 2, ack: (first.first?.seq ?? 0) &+ 1, flags: .ack)
        #expect(late.count == 1 && late.first?.flags == .rst)
    }

    /// A flood of SYNs from addresses that never complete the handshake must not close the
    /// port to a real client until the flood's half-open connections time out.
    @Test func clientGetsInASecondAfterASYNFlood() throws {
        let host = CapturedStack()
        host.learnPeer()
        let listener = try host.stack.tcp.listen(port: 80, backlog: 8)
        var accepted = 0
        listener.onAccept = { _ in accepted += 1 }
        for index in 0 ..< 100 {
            let source = IPv4Address(10, 0, 3, UInt8(1 + index))
            _ = host.deliverIP(proto: 6, Frames.tcp(from: SocketAddress(source, UInt16(1024 + index)),
                                                    to: SocketAddress(CapturedStack.ip, 80), seq: 7, flags: .syn),
                               from: source)
        }
        #expect(host.deliverTCP(port: 80, seq: 100, flags: .syn).isEmpty)    // during the flood: dropped
        host.advance(by: 1 * second + 1)
        let synAck = host.deliverTCP(port: 80, seq: 100, flags: .syn)         // the client's retransmission
        #expect(synAck.count == 1 && synAck.first?.flags == [.syn, .ack])
        host.deliverTCP(port: 80, seq: 101, ack: (synAck.first?.seq ?? 0) &+ 1, flags: .ack)
        #expect(accepted == 1)
    }

    @Test func synFloodStaysBounded() throws {
        let host = CapturedStack()
        host.learnPeer()
        _ = try host.stack.tcp.listen(port: 80, backlog: 64)
        for index in 0 ..< 20000 {
            let source = IPv4Address(raw: IPv4Address(10, 0, 3, 0).raw + UInt32(index % 200) + 1)
            _ = host.deliverIP(proto: 6, Frames.tcp(from: SocketAddress(source, UInt16(1024 + index)),
                                                    to: SocketAddress(CapturedStack.ip, 80), seq: UInt32(index), flags: .syn),
                               from: source)
        }
        #expect(host.stack.tcp.connectionCount == 64)
        #expect(host.stack.stats[.backlogFull] == 20000 - 64)
        host.advance(by: 300 * second)
        #expect(host.stack.tcp.connectionCount == 0)
    }

    @Test func activeOpenBothDirections() throws {
        let wire = TestWire()
        for (client, server) in [(wire.a, wire.b), (wire.b, wire.a)] {
            let listener = try server.tcp.listen(port: 7)
            var accepted: TCPConnection?
            listener.onAccept = { accepted = $0 }
            let connection = try client.tcp.connect(to: SocketAddress(server.config.ip, 7))
            var connected = false
            connection.onConnected = { connected = true }
            #expect(wire.run(until: { connected && accepted != nil }))
            #expect(connection.state == .established && accepted?.state == .established)
            #expect(accepted?.remoteAddress == connection.localAddress)
            listener.close()
        }
    }

    @Test func refusedAndTimedOutConnects() throws {
        let wire = TestWire()
        let refused = try wire.a.tcp.connect(to: SocketAddress(TestWire.ips[1], 9))
        var reason: TCPCloseReason?
        refused.onClosed = { reason = $0 }
        #expect(wire.run(until: { reason != nil }))
        #expect(reason == .refused)

        wire.dropFilter = { from, _ in from == 0 }
        let unanswered = try wire.a.tcp.connect(to: SocketAddress(TestWire.ips[1], 9))
        reason = nil
        unanswered.onClosed = { reason = $0 }
        #expect(wire.run(for: 200 * second, until: { reason != nil }))
        #expect(reason == .timedOut)
        #expect(wire.a.tcp.connectionCount == 0)
        #expect(throws: NetError.noRoute) { try wire.a.tcp.connect(to: SocketAddress(IPv4Address(8, 8, 8, 8), 80)) }
    }

    @Test func simultaneousOpen() throws {
        let host = CapturedStack()
        host.learnPeer()
        host.output.removeAll()
        let connection = try host.stack.tcp.connect(to: SocketAddress(CapturedStack.peerIP, 8080))
        var connected = false
        connection.onConnected = { connected = true }
        let syn = try #require(host.output.map(Decoded.init).first)
        #expect(syn.flags == .syn && syn.tcpOptions.count == 8)
        // The peer's own SYN crosses ours.
        let synAck = host.deliverTCP(port: syn.sourcePort, peerPort: 8080, seq: 7000, flags: .syn)
        #expect(connection.state == .synReceived)
        #expect(synAck.count == 1 && synAck[0].flags == [.syn, .ack] && synAck[0].seq == syn.seq && synAck[0].ack == 7001)
        // Its SYN-ACK (repeating the SYN) completes the handshake.
        host.deliverTCP(port: syn.sourcePort, peerPort: 8080, seq: 7000, ack: syn.seq + 1, flags: [.syn, .ack])
        #expect(connected && connection.state == .established)
    }

    @Test func closeDuringSimultaneousOpenSendsFINAfterHandshake() throws {
        let host = CapturedStack()
        host.learnPeer()
        host.output.removeAll()
        let connection = try host.stack.tcp.connect(to: SocketAddress(CapturedStack.peerIP, 8080))
        let syn = try #require(host.output.map(Decoded.init).first)
        host.deliverTCP(port: syn.sourcePort, peerPort: 8080, seq: 7000, flags: .syn)
        #expect(connection.write(Array("queued".utf8)) == 6)
        connection.close()
        #expect(connection.state == .synReceived)
        let replies = host.deliverTCP(port: syn.sourcePort, peerPort: 8080, seq: 7001, ack: syn.seq + 1, flags: .ack)
        #expect(connection.state == .finWait1)
        #expect(replies.count == 1 && replies[0].flags == [.ack, .psh, .fin])
        #expect(replies[0].seq == syn.seq + 1 && replies[0].tcpPayload == Array("queued".utf8))
    }

    @Test func synSentRejectsBadAcks() throws {
        let host = CapturedStack()
        host.learnPeer()
        host.output.removeAll()
        let connection = try host.stack.tcp.connect(to: SocketAddress(CapturedStack.peerIP, 8080))
        let syn = try #require(host.output.map(Decoded.init).first)
        let reset = host.deliverTCP(port: syn.sourcePort, peerPort: 8080, seq: 1, ack: syn.seq + 5, flags: [.syn, .ack])
        #expect(reset.count == 1 && reset[0].flags == .rst && reset[0].seq == syn.seq + 5)
        #expect(connection.state == .synSent)
        // A RST whose ACK does not match is ignored; a matching one refuses the connection.
        host.deliverTCP(port: syn.sourcePort, peerPort: 8080, seq: 1, ack: syn.seq + 9, flags: [.rst, .ack])
        #expect(connection.state == .synSent)
        var reason: TCPCloseReason?
        connection.onClosed = { reason = $0 }
        host.deliverTCP(port: syn.sourcePort, peerPort: 8080, seq: 0, ack: syn.seq + 1, flags: [.rst, .ack])
        #expect(reason == .refused && connection.state == .closed)
    }
}

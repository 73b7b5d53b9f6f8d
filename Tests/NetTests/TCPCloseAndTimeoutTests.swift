import Testing
import Net

@Suite struct TCPCloseAndTimeoutTests {
    @Test func retransmissionTimeoutBacksOffThenGivesUp() throws {
        let peer = TCPPeer()
        try peer.establish()
        let connection = try #require(peer.connection)
        peer.host.output.removeAll()
        connection.write(Array("never acknowledged".utf8))
        let first = peer.host.output.map(Decoded.init)
        #expect(first.count == 1 && first[0].tcpPayload == Array("never acknowledged".utf8))
        var times: [UInt64] = []
        var lastSeen = peer.host.now
        while peer.closeReason == nil && times.count < 40 {
            var frames = peer.host.advance(by: 100 * ms)
            if frames.contains(where: { $0.isARP }) { frames += peer.host.learnPeer() }   // the cache entry expired
            for frame in frames where frame.isTCP && !frame.tcpPayload.isEmpty {
                #expect(frame.seq == first[0].seq)
                times.append(peer.host.now - lastSeen)
                lastSeen = peer.host.now
            }
        }
        // Intervals double (1 s, 2 s, 4 s, ... capped at 60 s), measured at 100 ms resolution.
        #expect(times.count == 12)
        for (earlier, later) in zip(times, times.dropFirst()) where later < 60 * second {
            #expect(later >= 2 * earlier - 100 * ms && later <= 2 * earlier + 100 * ms)
        }
        #expect(peer.closeReason == .timedOut)
        #expect(peer.host.stack.tcp.connectionCount == 0)
    }

    @Test func rttMeasurementSetsRTO() throws {
        var parameters = NetworkParameters()
        parameters.tcpMinRTO = 1 * ms
        let wire = TestWire(parameters: parameters)
        wire.latency = 10 * ms
        let pair = try ConnectedPair(wire: wire)
        #expect(pair.exchange(clientToServer: 100_000, serverToClient: 0))
        let info = pair.client.info
        // One-way latency 10 ms: RTT about 20 ms (more when a delayed ACK is measured).
        #expect(info.srtt >= 20 * ms && info.srtt <= 70 * ms)
        #expect(info.rto >= info.srtt && info.rto < 1 * second)
    }

    @Test func activeCloseGoesThroughTimeWait() throws {
        let wire = TestWire()
        let pair = try ConnectedPair(wire: wire)
        pair.client.write(Array("bye".utf8))
        pair.client.close()
        #expect(pair.client.state == .finWait1)
        #expect(wire.run(until: { pair.server.isAtEndOfStream }))
        #expect(pair.server.state == .closeWait)
        #expect(wire.run(until: { pair.client.state == .finWait2 }))
        pair.server.close()
        #expect(wire.run(until: { pair.serverClosed != nil && pair.clientClosed != nil }))
        #expect(pair.serverClosed == .normal && pair.clientClosed == .normal)
        #expect(pair.client.state == .timeWait)
        #expect(wire.a.tcp.connectionCount == 1 && wire.b.tcp.connectionCount == 0)
        let msl = wire.a.parameters.tcpMSL
        wire.run(for: 2 * msl - 1 * second)
        #expect(wire.a.tcp.connectionCount == 1)
        wire.run(for: 2 * second)
        #expect(wire.a.tcp.connectionCount == 0 && pair.client.state == .closed)
    }

    @Test func timeWaitAcknowledgesRetransmittedFIN() throws {
        let peer = TCPPeer()
        try peer.establish()
        let connection = try #require(peer.connection)
        connection.close()
        let fin = try #require(peer.host.output.map(Decoded.init).last)
        #expect(fin.flags == [.ack, .fin])
        peer.stackSeq = fin.seq &+ 1
        peer.send(flags: .ack)
        #expect(connection.state == .finWait2)
        let ack = peer.send(flags: [.ack, .fin])
        #expect(ack.count == 1 && ack[0].ack == peer.seq + 1)
        #expect(connection.state == .timeWait)
        peer.host.advance(by: 50 * second)
        let again = peer.send(flags: [.ack, .fin])                     // our FIN again: ACK, restart 2 MSL
        #expect(again.count == 1 && again[0].ack == peer.seq + 1)
        peer.host.advance(by: 50 * second)
        #expect(peer.host.stack.tcp.connectionCount == 1)
        peer.host.advance(by: 11 * second)
        #expect(peer.host.stack.tcp.connectionCount == 0)
    }

    @Test func newSynReopensTimeWaitPair() throws {
        let peer = TCPPeer()
        try peer.establish()
        let first = try #require(peer.connection)
        first.close()
        let fin = try #require(peer.host.output.map(Decoded.init).last)
        peer.stackSeq = fin.seq &+ 1
        peer.send(flags: [.ack, .fin])
        #expect(first.state == .timeWait)
        // An old duplicate SYN is answered with an ACK; a SYN beyond RCV.NXT starts a new connection.
        let old = peer.send(flags: .syn, seq: peer.seq &- 10)
        #expect(old.count == 1 && old[0].flags == .ack)
        let synAck = peer.send(flags: .syn, seq: peer.seq &+ 100_000)
        #expect(synAck.count == 1 && synAck[0].flags == [.syn, .ack] && synAck[0].ack == peer.seq &+ 100_001)
        #expect(first.state == .closed && peer.host.stack.tcp.connectionCount == 1)
    }

    @Test func simultaneousClose() throws {
        let wire = TestWire()
        let pair = try ConnectedPair(wire: wire)
        pair.client.close()
        pair.server.close()
        #expect(pair.client.state == .finWait1 && pair.server.state == .finWait1)
        #expect(wire.run(until: { pair.client.state == .timeWait && pair.server.state == .timeWait }))
        #expect(pair.clientClosed == .normal && pair.serverClosed == .normal)
        wire.run(for: 2 * wire.a.parameters.tcpMSL + second)
        #expect(wire.a.tcp.connectionCount == 0 && wire.b.tcp.connectionCount == 0)
    }

    @Test func passiveCloseWithLostFinalAck() throws {
        let peer = TCPPeer()
        try peer.establish()
        let connection = try #require(peer.connection)
        peer.send(flags: [.ack, .fin])
        peer.seq += 1
        #expect(connection.state == .closeWait && connection.isAtEndOfStream)
        connection.close()
        #expect(connection.state == .lastAck)
        let fin = try #require(peer.host.output.map(Decoded.init).last)
        // The peer's ACK is "lost": the FIN is retransmitted.
        let retransmitted = peer.host.advance(by: connection.info.rto + 1 * ms)
        #expect(retransmitted.count == 1 && retransmitted[0].flags.contains(.fin) && retransmitted[0].seq == fin.seq)
        peer.stackSeq = fin.seq &+ 1
        peer.send(flags: .ack)
        #expect(peer.closeReason == .normal && peer.host.stack.tcp.connectionCount == 0)
    }

    @Test func finArrivingBeforeMissingDataWaitsForIt() throws {
        let peer = TCPPeer()
        try peer.establish()
        let base = peer.seq
        peer.send(flags: [.ack, .fin], seq: base + 5, payload: Array("world".utf8))
        #expect(peer.connection?.state == .established)
        peer.send(flags: .ack, seq: base, payload: Array("hello".utf8))
        #expect(peer.received == Array("helloworld".utf8))
        #expect(peer.connection?.state == .closeWait)
        #expect(peer.connection?.isAtEndOfStream == true)
    }

    @Test func abortSendsResetAndPeerSeesIt() throws {
        let wire = TestWire()
        let pair = try ConnectedPair(wire: wire)
        pair.client.abort()
        #expect(pair.clientClosed == .aborted && pair.client.state == .closed)
        #expect(wire.run(until: { pair.serverClosed != nil }))
        #expect(pair.serverClosed == .reset)
        #expect(wire.a.tcp.connectionCount == 0 && wire.b.tcp.connectionCount == 0)
    }

    @Test func writesAfterCloseAreRefused() throws {
        let pair = try ConnectedPair(wire: TestWire())
        pair.client.close()
        #expect(pair.client.write([1, 2, 3]) == 0)
        #expect(pair.client.writableBytes == 0)
    }
}

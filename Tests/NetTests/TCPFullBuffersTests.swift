import Testing
import Net

/// Both directions of a connection full at once (an echo server reading only what its send
/// buffer can take) over a lossy link. This once deadlocked the stack against Linux: after a
/// timeout rewound SND.NXT, its pure ACKs carried a sequence number the peer had already
/// passed and were discarded; the peer's ACKs, sent at the right edge of a nearly closed
/// window, were discarded too. Neither side learned that its data had arrived.
@Suite struct TCPFullBuffersTests {
    @Test func pureACKAfterATimeoutCarriesTheHighestSequenceSent() throws {
        let peer = TCPPeer()
        try peer.establish()
        let connection = try #require(peer.connection)
        connection.noDelay = true
        peer.host.output.removeAll()
        #expect(connection.write([UInt8](repeating: 3, count: 3000)) == 3000)
        #expect(peer.host.output.count == 3)                         // unacknowledged
        let timeout = peer.host.advance(by: connection.info.rto)
        #expect(timeout.count == 1 && timeout[0].seq == peer.stackSeq)   // SND.NXT rewound to SND.UNA
        // Two full segments from the peer, acknowledging nothing: answered at once.
        let full = [UInt8](repeating: 7, count: 1460)
        peer.sendData(full)
        let answer = peer.sendData(full)
        #expect(answer.count == 1 && answer[0].tcpPayload.isEmpty && answer[0].seq == peer.stackSeq &+ 3000)
    }

    @Test func ackAtTheRightEdgeOfANearlyClosedWindowIsProcessed() throws {
        var parameters = NetworkParameters()
        parameters.tcpReceiveBufferSize = 4096
        let peer = TCPPeer(parameters: parameters)
        try peer.establish()
        let connection = try #require(peer.connection)
        connection.onReadable = {}                                   // the user stops reading
        for size in [1460, 1460, 1172] { peer.sendData([UInt8](repeating: 1, count: size)) }
        #expect(connection.availableBytes == 4092)                   // 4 bytes of window left
        #expect(connection.write([UInt8](repeating: 2, count: 100)) == 100)
        peer.send(flags: .ack, seq: peer.seq &+ 4, ack: peer.stackSeq &+ 100)
        #expect(connection.unacknowledgedBytes == 0)
    }

    /// QEMU's user networking repeats its FIN on every ACK; ignoring those ACKs cost a 200 ms
    /// retransmission timeout at the end of an echo.
    @Test func ackOnARepeatedFINIsProcessed() throws {
        let peer = TCPPeer()
        try peer.establish()
        let connection = try #require(peer.connection)
        connection.noDelay = true
        #expect(connection.write([UInt8](repeating: 4, count: 3000)) == 3000)
        peer.send(flags: [.fin, .ack])
        #expect(connection.state == .closeWait && connection.unacknowledgedBytes == 3000)
        let reply = peer.send(flags: [.fin, .ack], ack: peer.stackSeq &+ 3000)
        #expect(reply.count == 1 && reply[0].ack == peer.seq &+ 1)  // the duplicate FIN is acknowledged
        #expect(connection.unacknowledgedBytes == 0)                 // and its ACK taken
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func echoThroughLossAndReordering(seed: UInt64) throws {
        var parameters = NetworkParameters()
        parameters.tcpSendBufferSize = 16 * 1024
        parameters.tcpReceiveBufferSize = 16 * 1024
        let wire = TestWire(seed: seed, parameters: parameters)
        wire.logFrames = false
        let pair = try ConnectedPair(wire: wire)
        pair.clientReceived = StreamVerifier(seed: 1)             // the client's own bytes come back
        pair.server.onReadable = { [unowned pair] in pair.echo() }
        pair.server.onWritable = { [unowned pair] in pair.echo() }
        wire.lossPercent = 2
        wire.reorderPercent = 2
        let length = 2 << 20
        var stream = PatternStream(length: length, seed: 1)
        pair.client.onWritable = { [unowned pair] in _ = stream.pump(into: pair.client) }
        _ = stream.pump(into: pair.client)
        let done = wire.run(for: 600 * second) { pair.clientReceived.count >= length }
        let intact = pair.clientReceived.verifies(length: length)
        #expect(done && intact, "echoed \(pair.clientReceived.count) of \(length) bytes; client \(pair.client.info), server \(pair.server.info)")
    }
}

import Testing
import Net

@Suite struct TCPTransferTests {
    @Test func dataBothWaysOnCleanLink() throws {
        let pair = try ConnectedPair(wire: TestWire())
        #expect(pair.exchange(clientToServer: 1_000_000, serverToClient: 700_000))
        #expect(pair.serverReceived.verifies(length: 1_000_000))
        #expect(pair.clientReceived.verifies(length: 700_000))
        #expect(pair.wire.a.stats.retransmissions == 0 && pair.wire.b.stats.retransmissions == 0)
        // Every IP frame on the wire passes the independent reference checksum.
        let ipFrames = pair.wire.sent.map { Decoded($0.bytes) }.filter { !$0.isARP }
        #expect(ipFrames.count > 1000 && ipFrames.allSatisfy(\.checksumsValid))
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func megabytesSurviveLossReorderingAndDuplication(seed: UInt64) throws {
        let wire = TestWire(seed: seed)
        wire.logFrames = false
        let pair = try ConnectedPair(wire: wire)
        wire.lossPercent = 2
        wire.reorderPercent = 5
        wire.duplicatePercent = 2
        #expect(pair.exchange(clientToServer: 3 << 20, serverToClient: 2 << 20))
        #expect(pair.serverReceived.verifies(length: 3 << 20))
        #expect(pair.clientReceived.verifies(length: 2 << 20))
        #expect(wire.a.stats.retransmissions > 0)
        #expect(wire.a.stats.fastRetransmissions > 0)
    }

    @Test func singleLossIsRepairedByFastRetransmit() throws {
        let wire = TestWire()
        let pair = try ConnectedPair(wire: wire)
        var dataSegments = 0
        wire.dropFilter = { from, frame in
            let decoded = Decoded(frame)
            guard from == 0, decoded.isTCP, !decoded.tcpPayload.isEmpty else { return false }
            dataSegments += 1
            return dataSegments == 20
        }
        let start = wire.now
        #expect(pair.exchange(clientToServer: 200_000, serverToClient: 0))
        #expect(pair.serverReceived.verifies(length: 200_000))
        #expect(wire.a.stats.fastRetransmissions == 1)
        #expect(wire.a.stats.retransmissions == 1)
        #expect(wire.now - start < 200 * ms)                          // no retransmission timeout
    }

    @Test func backPressureAndOnWritable() throws {
        var parameters = NetworkParameters()
        parameters.tcpSendBufferSize = 10_000
        let pair = try ConnectedPair(wire: TestWire(parameters: parameters))
        let big = [UInt8](repeating: 1, count: 25_000)
        #expect(pair.client.write(big) == 10_000)
        #expect(pair.client.writableBytes == 0)
        var writable = 0
        pair.client.onWritable = { writable += 1 }
        pair.wire.run(until: { writable > 0 })
        #expect(pair.client.writableBytes > 0)
    }

    /// A writer that never writes more than `writableBytes` (as the echo service does) fills the
    /// buffer exactly, without a short write; it must still hear when space frees, or it stalls.
    @Test func onWritableAfterAWriteThatFillsTheBufferExactly() throws {
        var parameters = NetworkParameters()
        parameters.tcpSendBufferSize = 10_000
        let pair = try ConnectedPair(wire: TestWire(parameters: parameters))
        #expect(pair.client.write([UInt8](repeating: 1, count: pair.client.writableBytes)) == 10_000)
        #expect(pair.client.writableBytes == 0)
        var writable = 0
        pair.client.onWritable = { writable += 1 }
        #expect(pair.wire.run(until: { writable > 0 }))
        #expect(pair.client.writableBytes > 0)
    }

    @Test func zeroWindowPersistAndWindowUpdate() throws {
        var parameters = NetworkParameters()
        parameters.tcpReceiveBufferSize = 8192
        let wire = TestWire(parameters: parameters)
        let pair = try ConnectedPair(wire: wire)
        pair.server.onReadable = {}                                   // the server stops reading
        #expect(pair.client.write([UInt8](repeating: 5, count: 20_000)) == 20_000)
        wire.run(for: 30 * second)
        #expect(pair.server.availableBytes == 8192)
        #expect(pair.client.info.sndWnd == 0)
        // Probes went out (one byte each) and were answered with a zero window.
        let probes = wire.sent.filter { $0.from == 0 && Decoded($0.bytes).isTCP && Decoded($0.bytes).tcpPayload.count == 1 }
        #expect(probes.count >= 3)
        let gaps = zip(probes.dropFirst(), probes).map { $0.at - $1.at }
        #expect(gaps.count >= 2 && gaps[1] > gaps[0])                 // backoff
        // Reading opens the window: a window update goes out at once and restarts the transfer.
        let sentBefore = wire.sent.count
        var collected = pair.server.readAll()
        let update = wire.sent[sentBefore...].map { Decoded($0.bytes) }.filter(\.isTCP)
        #expect(update.count == 1 && update[0].flags == .ack && update[0].window > 0)
        pair.server.onReadable = { collected += pair.server.readAll() }
        #expect(wire.run(until: { collected.count == 20_000 }))
        #expect(collected.count == 20_000 && collected.allSatisfy { $0 == 5 })
    }

    @Test func smallMTULimitsSegments() throws {
        var parameters = NetworkParameters()
        parameters.mtu = 576
        let wire = TestWire(parameters: parameters)
        let pair = try ConnectedPair(wire: wire)
        #expect(pair.client.info.sndMSS == 536)
        #expect(pair.exchange(clientToServer: 100_000, serverToClient: 50_000))
        #expect(pair.serverReceived.verifies(length: 100_000) && pair.clientReceived.verifies(length: 50_000))
        #expect(wire.sent.allSatisfy { $0.bytes.count <= 14 + 576 })
    }
}

import Testing
import LiveUpdate
import Net

/// Stack B, the server, is saved in the middle of conversations in every TCP state, replaced by
/// a fresh stack whose clock restarts near zero, restored, and every conversation goes on with
/// stack A as if nothing happened.
@Suite struct NetSnapshotConversationTests {
    static func pattern(_ count: Int, seed: UInt8) -> [UInt8] {
        (0 ..< count).map { UInt8(truncatingIfNeeded: $0 &* 31) &+ seed }
    }

    /// The two stacks, a listener on B, and per-connection frame filters.
    final class Scenario {
        let wire = TestWire()
        var accepted: [TCPConnection] = []
        /// Drop filters by the client's port: return true to lose the frame.
        var drops: [UInt16: (_ fromServer: Bool, _ frame: Decoded) -> Bool] = [:]
        var clientReceived: [UInt16: [UInt8]] = [:]

        init() throws {
            let listener = try wire.b.tcp.listen(port: 80)
            listener.onAccept = { [unowned self] in accepted.append($0) }
            wire.dropFilter = { [unowned self] from, bytes in
                let frame = Decoded(bytes)
                guard frame.isTCP else { return false }
                return drops[from == 0 ? frame.sourcePort : frame.destinationPort]?(from == 1, frame) ?? false
            }
        }

        func connect() throws -> TCPConnection {
            let client = try wire.a.tcp.connect(to: SocketAddress(TestWire.ips[1], 80))
            let port = client.localAddress.port
            client.onReadable = { [unowned self, unowned client] in clientReceived[port, default: []] += client.readAll() }
            return client
        }

        /// An established connection: the client on A and the server on B.
        func open() throws -> (client: TCPConnection, server: TCPConnection) {
            let count = accepted.count
            let client = try connect()
            try #require(wire.run(until: { self.accepted.count > count && client.state == .established }))
            return (client, accepted[count])
        }

        func received(by client: TCPConnection) -> [UInt8] { clientReceived[client.localAddress.port] ?? [] }
    }

    @Test func everyConversationContinuesAfterRestore() throws {
        let scenario = try Scenario()
        let wire = scenario.wire
        let pattern = Self.pattern

        // Data both ways: 3000 bytes the server has not read, 5000 it sent that were lost.
        let data = try scenario.open()
        data.client.write(pattern(3000, 1))
        scenario.drops[data.client.localAddress.port] = { fromServer, frame in fromServer && !frame.tcpPayload.isEmpty }
        data.server.write(pattern(5000, 2))
        // FIN-WAIT-1 and LAST-ACK: the server's FIN is lost. FIN-WAIT-2, CLOSE-WAIT, TIME-WAIT.
        let finWait1 = try scenario.open(), finWait2 = try scenario.open(), closeWait = try scenario.open()
        let lastAck = try scenario.open(), timeWait = try scenario.open()
        for pair in [finWait1, lastAck] {
            scenario.drops[pair.client.localAddress.port] = { fromServer, frame in fromServer && frame.flags.contains(.fin) }
        }
        finWait1.server.close()
        finWait2.server.close()
        timeWait.server.close()
        closeWait.client.close()
        lastAck.client.close()
        #expect(wire.run(until: { lastAck.server.state == .closeWait && timeWait.server.state == .finWait2 }))
        lastAck.server.close()
        timeWait.client.close()
        #expect(wire.run(until: { timeWait.server.state == .timeWait }))
        let timeWaitEnds = wire.now + 2 * wire.b.parameters.tcpMSL
        // SYN-RECEIVED: the server's SYN-ACK is lost.
        let halfOpenClient = try scenario.connect()
        scenario.drops[halfOpenClient.localAddress.port] = { fromServer, frame in fromServer && frame.flags.contains(.syn) }
        // Out of order: the first of the client's three segments is lost.
        let outOfOrder = try scenario.open()
        var lostOne = false
        scenario.drops[outOfOrder.client.localAddress.port] = { fromServer, frame in
            guard !fromServer, !frame.tcpPayload.isEmpty, !lostOne else { return false }
            lostOne = true
            return true
        }
        outOfOrder.client.write(pattern(3000, 3))
        wire.run(for: 20 * ms)

        let old = wire.b
        let halfOpenID = TCPConnectionID(local: SocketAddress(TestWire.ips[1], 80), remote: halfOpenClient.localAddress)
        #expect(old.tcp.connection(halfOpenID)?.state == .synReceived)
        #expect(data.server.unacknowledgedBytes == 5000 && data.server.availableBytes == 3000)
        // The second segment is held; Nagle keeps the short third one back until then.
        #expect(outOfOrder.server.info.outOfOrderBytes == 1460 && outOfOrder.server.availableBytes == 0)
        let servers = [data, finWait1, finWait2, closeWait, lastAck, timeWait, outOfOrder].map(\.server)
        #expect(servers.map(\.state) == [.established, .finWait1, .finWait2, .closeWait, .lastAck, .timeWait, .established])

        // The live update: save, a fresh unconfigured stack whose clock reads 5 ms, restore.
        let area = SnapshotArea()
        try area.save(old, now: wire.clock(1))
        let fresh = wire.replaceStack(1, clockRestart: 5 * ms)
        let framesBefore = wire.sent.count
        let failure = try area.restore(into: fresh, now: wire.clock(1))
        #expect(failure == nil)
        #expect(wire.sent.count == framesBefore)                      // nothing sent unprompted
        #expect(fresh.config == old.config)
        #expect(fresh.tcp.connectionCount == old.tcp.connectionCount)

        // The service re-attaches its callbacks, finding each connection by its id.
        let restored = try servers.map { try #require(fresh.tcp.connection($0.id)) }
        #expect(restored.map(\.state) == servers.map(\.state))
        #expect(restored[6].info.outOfOrderBytes == 1460)
        var serverReceived: [TCPConnectionID: [UInt8]] = [:]
        var closed: [TCPConnectionID: TCPCloseReason] = [:]
        for connection in restored {
            let id = connection.id
            serverReceived[id] = connection.readAll()
            connection.onReadable = { [unowned connection] in serverReceived[id, default: []] += connection.readAll() }
            connection.onClosed = { closed[id] = $0 }
        }
        var acceptedAfterRestore: [TCPConnection] = []
        try #require(fresh.tcp.listener(port: 80)).onAccept = { acceptedAfterRestore.append($0) }
        #expect(serverReceived[data.server.id] == pattern(3000, 1))

        scenario.drops = [:]
        restored[0].write(pattern(1000, 4))
        data.client.write(pattern(2000, 5))
        finWait1.client.onReadable = { [unowned client = finWait1.client] in
            if client.isAtEndOfStream { client.close() }
        }
        finWait2.client.close()
        restored[3].close()                                           // CLOSE-WAIT -> LAST-ACK
        #expect(wire.run(for: 5 * second, until: {
            scenario.received(by: data.client).count == 6000 && serverReceived[data.server.id]?.count == 5000
                && serverReceived[outOfOrder.server.id]?.count == 3000 && !acceptedAfterRestore.isEmpty
                && closed.count == 4
        }))
        // Data continues byte-exact both ways; lost data was retransmitted by the new stack.
        #expect(scenario.received(by: data.client) == pattern(5000, 2) + pattern(1000, 4))
        #expect(serverReceived[data.server.id] == pattern(3000, 1) + pattern(2000, 5))
        #expect(fresh.stats.retransmissions > 0)
        // The hole before the held segments was filled.
        #expect(serverReceived[outOfOrder.server.id] == pattern(3000, 3))
        // The half-open connection completed its handshake and the restored listener accepted it.
        #expect(acceptedAfterRestore.map(\.id) == [halfOpenID] && halfOpenClient.state == .established)
        #expect(fresh.tcp.listener(port: 80)?.halfOpenCount == 0)
        // FIN-WAIT-1 and FIN-WAIT-2 finished in TIME-WAIT; CLOSE-WAIT and LAST-ACK closed.
        #expect(restored[1].state == .timeWait && restored[2].state == .timeWait)
        #expect(restored[3].state == .closed && restored[4].state == .closed)
        for index in 1 ... 4 { #expect(closed[restored[index].id] == .normal) }
        #expect(closeWait.client.isAtEndOfStream && lastAck.client.state == .timeWait)

        // TIME-WAIT ends when it would have without the update.
        #expect(restored[5].state == .timeWait)
        wire.run(for: timeWaitEnds - 1 * ms - wire.now)
        #expect(fresh.tcp.connection(timeWait.server.id) != nil)
        wire.run(for: 2 * ms)
        #expect(fresh.tcp.connection(timeWait.server.id) == nil && restored[5].state == .closed)
    }
}

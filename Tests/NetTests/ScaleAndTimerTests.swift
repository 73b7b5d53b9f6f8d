import Testing
import Net

@Suite struct ScaleAndTimerTests {
    @Test func thousandsOfConcurrentConnections() throws {
        let wire = TestWire()
        let listener = try wire.b.tcp.listen(port: 7, backlog: 4096)
        listener.onAccept = { connection in
            connection.onReadable = {
                connection.write(connection.readAll())
                if connection.isAtEndOfStream { connection.close() }
            }
        }
        let count = 3000
        var echoed = 0
        var closed = 0
        var clients: [TCPConnection] = []
        for index in 0 ..< count {
            let client = try wire.a.tcp.connect(to: SocketAddress(TestWire.ips[1], 7))
            let message = Array("hello \(index)".utf8)
            var reply: [UInt8] = []
            client.onConnected = {
                client.write(message)
                client.close()
            }
            client.onReadable = {
                reply += client.readAll()
                if client.isAtEndOfStream && reply == message { echoed += 1 }
            }
            client.onClosed = { _ in closed += 1 }
            clients.append(client)
        }
        #expect(wire.a.tcp.connectionCount == count)
        #expect(wire.run(for: 60 * second, until: { echoed == count && closed == count }))
        // Clients closed first and sit in TIME-WAIT; the servers are gone once the last ACKs land.
        wire.run(for: 1 * second)
        #expect(wire.b.tcp.connectionCount == 0)
        #expect(wire.a.tcp.connectionCount == count)
        wire.run(for: 2 * wire.a.parameters.tcpMSL + second)
        #expect(wire.a.tcp.connectionCount == 0)
        #expect(wire.a.nextDeadline == nil && wire.b.nextDeadline == nil)
    }

    @Test func connectionLimitIsEnforced() throws {
        var parameters = NetworkParameters()
        parameters.tcpMaxConnections = 3
        let wire = TestWire(parameters: parameters)
        for _ in 0 ..< 3 { _ = try wire.a.tcp.connect(to: SocketAddress(TestWire.ips[1], 7)) }
        #expect(throws: NetError.tooManyConnections) { try wire.a.tcp.connect(to: SocketAddress(TestWire.ips[1], 7)) }
    }

    @Test func serviceTimersFireInOrderAndCancel() {
        let host = CapturedStack()
        var fired: [String] = []
        host.stack.schedule(after: 30 * ms) { fired.append("late") }
        host.stack.schedule(after: 10 * ms) { fired.append("early") }
        let cancelled = host.stack.schedule(after: 20 * ms) { fired.append("cancelled") }
        #expect(host.stack.nextDeadline == host.now + 10 * ms)
        cancelled.cancel()
        host.advance(by: 15 * ms)
        #expect(fired == ["early"])
        host.advance(by: 15 * ms)
        #expect(fired == ["early", "late"])
        #expect(cancelled.isCancelled)
    }

    @Test func cancelledTimersDoNotPileUp() {
        let host = CapturedStack()
        var idleTimeout = host.stack.schedule(after: 60 * second) {}
        var fired = 0
        for _ in 0 ..< 100_000 {                    // a service re-arming an idle timeout per request
            idleTimeout.cancel()
            idleTimeout = host.stack.schedule(after: 60 * second) { fired += 1 }
        }
        #expect(host.stack.pendingServiceTimers < 4096)
        host.advance(by: 61 * second)
        #expect(fired == 1)
    }
}

import Testing
import Net

/// A minimal DHCP server on stack B of a `TestWire`, answering stack A's client.
final class FakeDHCPServer {
    static let serverIP = IPv4Address(10, 0, 0, 2)
    static let offered = IPv4Address(10, 0, 0, 15)
    var seen: [UInt8] = []          // message types received
    var renewals = 0
    var nakNextRequest = false
    let socket: UDPSocket

    init(stack: NetworkStack) throws {
        socket = try stack.udp.bind(port: 67)
        socket.onReceive = { [unowned self] _, payload in handle(Array(payload)) }
    }

    private func handle(_ request: [UInt8]) {
        guard request.count > 243, let typeIndex = optionIndex(53, in: request) else { return }
        let type = request[typeIndex + 2]
        seen.append(type)
        let ciaddr = Array(request[12 ..< 16])
        if type == 3 && ciaddr != [0, 0, 0, 0] { renewals += 1 }
        var replyType: UInt8 = type == 1 ? 2 : 5
        if type == 3 && nakNextRequest {
            nakNextRequest = false
            replyType = 6
        }
        var reply = [UInt8](repeating: 0, count: 240)
        reply[0] = 2; reply[1] = 1; reply[2] = 6
        reply.replaceSubrange(4 ..< 8, with: request[4 ..< 8])         // xid
        reply.replaceSubrange(16 ..< 20, with: bytes(Self.offered))    // yiaddr
        reply.replaceSubrange(28 ..< 34, with: request[28 ..< 34])     // chaddr
        reply.replaceSubrange(236 ..< 240, with: [99, 130, 83, 99])
        reply += [53, 1, replyType, 54, 4] + bytes(Self.serverIP) + [1, 4, 255, 255, 255, 0]
        reply += [3, 4] + bytes(Self.serverIP) + [6, 8, 10, 0, 0, 3, 10, 0, 0, 4] + [51, 4] + be32(600) + [255]
        try? socket.send(reply, to: SocketAddress(.broadcast, 68))
    }

    private func optionIndex(_ code: UInt8, in message: [UInt8]) -> Int? {
        var index = 240
        while index + 1 < message.count {
            if message[index] == code { return index }
            if message[index] == 255 { return nil }
            index += message[index] == 0 ? 1 : 2 + Int(message[index + 1])
        }
        return nil
    }
}

@Suite struct DHCPTests {
    static func unconfiguredClient(_ wire: TestWire) { wire.a.config = InterfaceConfig(mac: TestWire.macs[0]) }

    @Test func leaseIsObtainedAndRenewed() throws {
        let wire = TestWire()
        Self.unconfiguredClient(wire)
        let server = try FakeDHCPServer(stack: wire.b)
        let client = try wire.a.startDHCP()
        var configured: InterfaceConfig?
        client.onConfigured = { configured = $0 }
        #expect(wire.run(until: { configured != nil }))
        #expect(server.seen == [1, 3])
        #expect(configured?.ip == FakeDHCPServer.offered)
        #expect(configured?.netmask == IPv4Address(255, 255, 255, 0))
        #expect(configured?.gateway == FakeDHCPServer.serverIP)
        #expect(configured?.dns == IPv4Address(10, 0, 0, 3))
        #expect(wire.a.config.ip == FakeDHCPServer.offered && client.state == .bound && client.leaseSeconds == 600)
        // Renewal at T1 = 300 s, unicast from the leased address.
        wire.run(for: 301 * second)
        #expect(server.renewals == 1 && client.state == .bound)
        // The new address works for ordinary traffic.
        var answered = false
        let echo = try wire.b.udp.bind(port: 7)
        echo.onReceive = { from, payload in try? echo.send(Array(payload), to: from) }
        let probe = try wire.a.udp.bind()
        probe.onReceive = { _, _ in answered = true }
        try probe.send([1], to: SocketAddress(TestWire.ips[1], 7))
        #expect(wire.run(until: { answered }))
        client.stop()
    }

    @Test func lostDiscoverIsRetransmittedAndNakRestarts() throws {
        let wire = TestWire()
        Self.unconfiguredClient(wire)
        let server = try FakeDHCPServer(stack: wire.b)
        server.nakNextRequest = true
        var dropped = 0
        wire.dropFilter = { from, _ in
            guard from == 0, dropped < 1 else { return false }
            dropped += 1
            return true
        }
        let client = try wire.a.startDHCP()
        var configured = false
        client.onConfigured = { _ in configured = true }
        #expect(wire.run(for: 60 * second, until: { configured }))
        #expect(server.seen == [1, 3, 1, 3])
        client.stop()
    }

    @Test func malformedRepliesAreIgnored() throws {
        let wire = TestWire()
        Self.unconfiguredClient(wire)
        let client = try wire.a.startDHCP()
        let liar = try wire.b.udp.bind(port: 67)
        try liar.send([2, 1, 6, 0, 1, 2, 3, 4], to: SocketAddress(.broadcast, 68))
        var bogus = [UInt8](repeating: 0, count: 240) + [53, 1, 2, 54, 200]       // option overruns the packet
        bogus[0] = 2; bogus[1] = 1; bogus[2] = 6
        bogus.replaceSubrange(236 ..< 240, with: [99, 130, 83, 99])
        try liar.send(bogus, to: SocketAddress(.broadcast, 68))
        wire.run(for: 1 * second)
        #expect(client.state == .selecting)
        #expect(wire.a.stats[.truncated] == 2)
        client.stop()
    }
}

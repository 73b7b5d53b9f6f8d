import Net

/// FNV-1a, to compare large streams cheaply.
struct Digest: Equatable {
    var value: UInt64 = 0xCBF2_9CE4_8422_2325
    var count = 0

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            value = (value ^ UInt64(byte)) &* 0x100_0000_01B3
            count += 1
        }
    }
}

/// A deterministic pseudo-random byte stream of a given length.
struct PatternStream {
    let length: Int
    let seed: UInt64
    private(set) var offset = 0

    init(length: Int, seed: UInt64) {
        self.length = length
        self.seed = seed
    }

    static func byte(at index: Int, seed: UInt64) -> UInt8 {
        UInt8(truncatingIfNeeded: (UInt64(index) &* 0x9E37_79B9 &+ seed) >> 7 ^ UInt64(index))
    }

    var remaining: Int { length - offset }

    /// Writes as much as the connection accepts; returns true when everything has been written.
    mutating func pump(into connection: TCPConnection) -> Bool {
        while remaining > 0 {
            let chunk = (0 ..< min(remaining, 16384)).map { Self.byte(at: offset + $0, seed: seed) }
            let accepted = connection.write(chunk)
            offset += accepted
            if accepted < chunk.count { return false }
        }
        return true
    }

    var digest: Digest {
        var digest = Digest()
        digest.add((0 ..< length).lazy.map { Self.byte(at: $0, seed: seed) })
        return digest
    }
}

/// A connection between the two stacks of a `TestWire`, with both ends wired to pump and
/// collect data.
final class ConnectedPair {
    let wire: TestWire
    var client: TCPConnection!
    var server: TCPConnection!
    var clientReceived = Digest()
    var serverReceived = Digest()
    var clientClosed: TCPCloseReason?
    var serverClosed: TCPCloseReason?

    init(wire: TestWire, port: UInt16 = 5001) throws {
        self.wire = wire
        let listener = try wire.b.tcp.listen(port: port)
        listener.onAccept = { [unowned self] connection in
            server = connection
            connection.onReadable = { [unowned self] in serverReceived.add(connection.readAll()) }
            connection.onClosed = { [unowned self] in serverClosed = $0 }
        }
        client = try wire.a.tcp.connect(to: SocketAddress(TestWire.ips[1], port))
        client.onReadable = { [unowned self] in clientReceived.add(client.readAll()) }
        client.onClosed = { [unowned self] in clientClosed = $0 }
        guard wire.run(until: { [unowned self] in server != nil && client.state == .established }) else {
            throw NetError.noRoute
        }
        listener.close()
    }

    /// Sends `clientToServer` and `serverToClient` bytes at the same time; returns when both
    /// arrived or the time limit passed.
    @discardableResult
    func exchange(clientToServer: Int, serverToClient: Int, limit: UInt64 = 600 * second) -> Bool {
        var up = PatternStream(length: clientToServer, seed: 1)
        var down = PatternStream(length: serverToClient, seed: 2)
        client.onWritable = { [unowned client] in _ = up.pump(into: client!) }
        server.onWritable = { [unowned server] in _ = down.pump(into: server!) }
        _ = up.pump(into: client)
        _ = down.pump(into: server)
        let targetUp = serverReceived.count + clientToServer
        let targetDown = clientReceived.count + serverToClient
        let done = wire.run(for: limit) { [unowned self] in
            serverReceived.count >= targetUp && clientReceived.count >= targetDown
        }
        client.onWritable = nil
        server.onWritable = nil
        return done
    }
}

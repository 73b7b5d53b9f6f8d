import TestSupport
import Foundation
import Net

/// A deterministic byte stream: a pseudo-random table repeated with a prime period, stored
/// twice so that any window of up to `period` bytes is contiguous.
struct Pattern {
    static let period = 65521
    let table: [UInt8]

    init(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let once = (0 ..< Self.period).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        table = once + once
    }
}

/// Writes `length` bytes of a pattern into a connection as fast as it accepts them.
struct PatternStream {
    let length: Int
    let pattern: Pattern
    private(set) var offset = 0

    init(length: Int, seed: UInt64) {
        self.length = length
        pattern = Pattern(seed: seed)
    }

    var remaining: Int { length - offset }

    /// Writes as much as the connection accepts; returns true when everything has been written.
    mutating func pump(into connection: TCPConnection) -> Bool {
        while remaining > 0 {
            let start = offset % Pattern.period
            let chunk = min(remaining, 16384)
            let accepted = pattern.table.withUnsafeBytes {
                connection.write(UnsafeRawBufferPointer(rebasing: $0[start ..< start + chunk]))
            }
            offset += accepted
            if accepted < chunk { return false }
        }
        return true
    }
}

/// Checks a received stream byte for byte against the pattern it should carry.
struct StreamVerifier {
    let pattern: Pattern
    private(set) var count = 0
    private(set) var intact = true

    init(seed: UInt64) { pattern = Pattern(seed: seed) }

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var done = 0
        while done < bytes.count {
            let start = (count + done) % Pattern.period
            let length = min(bytes.count - done, Pattern.period)
            let matches = pattern.table.withUnsafeBytes {
                memcmp($0.baseAddress! + start, bytes.baseAddress! + done, length) == 0
            }
            if !matches { intact = false }
            done += length
        }
        count += bytes.count
    }

    func verifies(length: Int) -> Bool { intact && count == length }
}

/// A connection between the two stacks of a `TestWire`, with both ends wired to pump and
/// collect data.
final class ConnectedPair {
    let wire: TestWire
    var client: TCPConnection!
    var server: TCPConnection!
    var clientReceived = StreamVerifier(seed: 2)
    var serverReceived = StreamVerifier(seed: 1)
    private var scratch = [UInt8](repeating: 0, count: 65536)
    var clientClosed: TCPCloseReason?
    var serverClosed: TCPCloseReason?

    init(wire: TestWire, port: UInt16 = 5001) throws {
        self.wire = wire
        let listener = try wire.b.tcp.listen(port: port)
        listener.onAccept = { [unowned self] connection in
            server = connection
            connection.onReadable = { [unowned self] in drain(connection, into: &serverReceived) }
            connection.onClosed = { [unowned self] in serverClosed = $0 }
        }
        client = try wire.a.tcp.connect(to: SocketAddress(TestWire.ips[1], port))
        client.onReadable = { [unowned self] in drain(client, into: &clientReceived) }
        client.onClosed = { [unowned self] in clientClosed = $0 }
        guard wire.run(until: { [unowned self] in server != nil && client.state == .established }) else {
            throw NetError.noRoute
        }
        listener.close()
    }

    private func drain(_ connection: TCPConnection, into verifier: inout StreamVerifier) {
        scratch.withUnsafeMutableBytes { buffer in
            while true {
                let count = connection.read(into: buffer)
                if count == 0 { break }
                verifier.add(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            }
        }
    }

    /// The server echoes what it received, reading no more than its send buffer can take.
    func echo() {
        scratch.withUnsafeMutableBytes { buffer in
            while case let room = min(server.writableBytes, buffer.count), room > 0 {
                let count = server.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<room]))
                if count == 0 { break }
                _ = server.write(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            }
        }
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

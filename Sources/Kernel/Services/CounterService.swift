import LiveUpdate
import Net

/// `service=counter`, the live-update demo: TCP port 8 answers every line with
/// `count=<n> boots=<b> version=<v>` (n counts requests, b boots, v the image's label), and the
/// line `status` with the uptime across updates, the versions that ran and the last update's
/// downtime. The state survives images pushed to the update listener (port 666).
enum CounterService {
    static let port: UInt16 = 8

    nonisolated(unsafe) static var state = CounterState()

    /// After an update, everything is printed once the service serves again: console output
    /// is slow and would count as downtime.
    static func run() -> Never {
        let network = NetworkService.open("counter", quietly: SoftResetBoot.happened)
        let restored = network.resume { (restore: inout Restore) throws(StorageError) in
            try state.restore(from: &restore)
        }
        if !restored { state = CounterState() }
        let updates = openPorts(network)
        network.serving("counter")
        state.recordBoot(version: ImageVersion.label, downtime: UpdateDowntime.last?.total)
        if SoftResetBoot.happened {
            Console.write(restored ? "counter: state restored\n" : "counter: no saved state, starting from zero\n")
        }
        Console.write("counter: version ")
        Console.write(ImageVersion.label)
        Console.write(" listening on TCP port 8, count=")
        Console.writeDecimal(state.count)
        Console.write(" boots=")
        Console.writeDecimal(state.boots)
        Console.newline()
        network.serve { updates.startPendingUpdate() }
    }

    /// The counter's port, the update listener, whose save handler writes our state, and the
    /// port that registers the known-good image for rollbacks.
    private static func openPorts(_ network: NetworkService) -> UpdateListener {
        do throws(NetError) {
            let listener = try network.listen(port: port, backlog: 16)
            listener.onAccept = { connection in CounterSession.start(connection) }
            for connection in network.restoredConnections(port: port) { CounterSession.start(connection) }
            return try network.openUpdatePorts { (storage: inout Storage) throws(StorageError) in
                try state.save(into: &storage, uptimeNow: Clock.now())
            }
        } catch {
            NetworkService.fail("counter", "cannot open its ports")
        }
    }

    /// The answer to one request line.
    static func answer(_ line: ArraySlice<UInt8>) -> String {
        guard line.elementsEqual("status".utf8) else {
            state.count += 1
            return "count=\(state.count) boots=\(state.boots) version=\(ImageVersion.label)\n"
        }
        let uptime = (state.uptimeBefore + Clock.now()) / 1_000_000
        let history = state.history.reduce("") { $0.isEmpty ? $1 : $0 + "," + $1 }
        let downtime = UpdateDowntime.last?.summary ?? "downtime-ns none"
        return "version=\(ImageVersion.label) count=\(state.count) boots=\(state.boots) uptime-ms=\(uptime) "
            + "updates=\(state.record.updates) history=\(history) \(downtime)\n"
    }
}

/// One client of the counter: every received line gets an answer line. A line cut in two by
/// an update is kept: the partial line is saved next to the connection's id and completed
/// after the update.
final class CounterSession {
    nonisolated(unsafe) private static var sessions = HashMap<TCPConnectionID, CounterSession>()
    /// Partial lines read from the storage area, until their connections are re-attached.
    nonisolated(unsafe) static var restoredLines = HashMap<TCPConnectionID, [UInt8]>()

    private let connection: TCPConnection
    private var pending: [UInt8]

    private init(_ connection: TCPConnection, pending: [UInt8]) {
        self.connection = connection
        self.pending = pending
    }

    static func start(_ connection: TCPConnection) {
        let session = CounterSession(connection, pending: restoredLines.removeValue(forKey: connection.id) ?? [])
        sessions[connection.id] = session
        connection.noDelay = true
        connection.onReadable = { session.answerLines() }
        connection.onClosed = { _ in
            connection.onReadable = nil
            connection.onClosed = nil
            sessions[connection.id] = nil
        }
        if connection.availableBytes > 0 || connection.isAtEndOfStream { session.answerLines() }
    }

    private func answerLines() {
        pending += connection.readAll()
        while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = pending[..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            _ = connection.write(Array(CounterService.answer(line).utf8))
            pending.removeSubrange(...end)
        }
        if connection.isAtEndOfStream { connection.close() }
    }

    /// One entry per session with a partial line: the connection's 4-tuple, then the bytes.
    static func save(into storage: inout Storage, id: UInt16) throws(StorageError) {
        for (key, session) in sessions where !session.pending.isEmpty {
            try storage.add(id: id, bytes: encode(key) + session.pending)
        }
    }

    static func restoreLine(_ bytes: [UInt8]) {
        guard bytes.count > 12 else { return }
        let word = { (at: Int) in bytes[at..<at + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        let port = { (at: Int) in UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }
        let key = TCPConnectionID(local: SocketAddress(IPv4Address(raw: word(0)), port(4)),
                                  remote: SocketAddress(IPv4Address(raw: word(6)), port(10)))
        restoredLines[key] = Array(bytes[12...])
    }

    private static func encode(_ key: TCPConnectionID) -> [UInt8] {
        var bytes: [UInt8] = []
        for address in [key.local, key.remote] {
            for shift in [24, 16, 8, 0] { bytes.append(UInt8(truncatingIfNeeded: address.ip.raw >> UInt32(shift))) }
            bytes.append(UInt8(address.port >> 8))
            bytes.append(UInt8(address.port & 0xFF))
        }
        return bytes
    }
}

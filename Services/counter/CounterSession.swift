import Kernel

/// One client of the counter: every received line gets an answer line. A line cut in two by
/// an update is kept: the partial line is saved next to the connection's id and completed
/// after the update.
final class CounterSession {
    nonisolated(unsafe) private static var sessions = HashMap<TCPConnectionID, CounterSession>()
    /// Partial lines read from the storage area, until their connections are re-attached.
    nonisolated(unsafe) private static var restoredLines = HashMap<TCPConnectionID, [UInt8]>()

    private let connection: TCPConnection
    private let counter: Counter
    private var pending: [UInt8]

    private init(_ connection: TCPConnection, counter: Counter, pending: [UInt8]) {
        self.connection = connection
        self.counter = counter
        self.pending = pending
    }

    /// A new connection, or one restored from the previous image (with its partial line).
    static func start(_ connection: TCPConnection, answering counter: Counter) {
        let session = CounterSession(connection, counter: counter,
                                     pending: restoredLines.removeValue(forKey: connection.id) ?? [])
        sessions[connection.id] = session
        connection.noDelay = true
        connection.onReadable = { session.answerLines() }
        connection.onClosed = { _ in
            connection.onReadable = nil
            connection.onClosed = nil
            sessions[connection.id] = nil
        }
        // Input may be waiting already (restored, or arrived during the update); onReadable also
        // fires at the end of the stream, with nothing to read.
        if connection.availableBytes > 0 || connection.isAtEndOfStream { session.answerLines() }
    }

    private func answerLines() {
        pending += connection.readAll()
        while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = pending[..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            _ = connection.write(Array(counter.answer(line).utf8))
            pending.removeSubrange(...end)
        }
        if connection.isAtEndOfStream { connection.close() }
    }

    /// One entry per session with a partial line: the connection's id, then the bytes.
    static func save(into storage: inout Storage, id: UInt16) throws(StorageError) {
        for (key, session) in sessions where !session.pending.isEmpty {
            try storage.add(id: id, bytes: key.bytes + session.pending)
        }
    }

    static func restoreLine(_ bytes: [UInt8]) {
        guard let key = TCPConnectionID(bytes: bytes[...]), bytes.count > TCPConnectionID.byteCount else { return }
        restoredLines[key] = Array(bytes[TCPConnectionID.byteCount...])
    }
}

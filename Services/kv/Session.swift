import Kernel

/// One client connection: parses the requests waiting in the connection in place, runs them,
/// and sends their replies, one write per batch of pipelined requests. A request not complete
/// yet stays unread in the connection (the kernel keeps it across an update); replies the send
/// buffer did not take yet are kept here and saved with the connection's id. While replies are
/// pending no further request is read, so a client that does not read cannot grow them.
final class Session {
    nonisolated(unsafe) private static var sessions = HashMap<TCPConnectionID, Session>()
    /// Saved replies (and the close flag) read back by `restore`, until the accept handler gets
    /// the connection.
    nonisolated(unsafe) private static var restored = HashMap<TCPConnectionID, (output: Bytes, closing: Bool)>()
    /// Requests are copied here to be parsed (one buffer for all: callbacks never overlap).
    nonisolated(unsafe) private static var scratch = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    /// Replies accumulated before a write: pipelined requests are answered in batches this big.
    private static let batchBytes = 64 * 1024

    static var count: Int { sessions.count }

    private let connection: TCPConnection
    private let server: KvServer
    private let parser: RequestParser
    private var output: Bytes
    private var outputStart = 0
    /// QUIT or a protocol error: close once the output is sent.
    private var closing: Bool
    /// How many input bytes a parse needs before it can get further.
    private var inputNeeded = 1

    private init(_ connection: TCPConnection, server: KvServer, output: Bytes, closing: Bool) {
        self.connection = connection
        self.server = server
        self.output = output
        self.closing = closing
        parser = RequestParser(maximumRequest: connection.receiveCapacity)
    }

    /// A new connection, or one restored from the previous image (with its unsent replies).
    static func attach(_ connection: TCPConnection, server: KvServer) {
        if scratch.count < connection.receiveCapacity {
            scratch.deallocate()
            scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: connection.receiveCapacity, alignment: 16)
        }
        let saved = restored.removeValue(forKey: connection.id)
        if saved == nil { server.connectionsReceived += 1 }
        let session = Session(connection, server: server, output: saved?.output ?? [], closing: saved?.closing ?? false)
        sessions[connection.id] = session
        connection.noDelay = true
        connection.onReadable = { session.serve() }
        connection.onWritable = { session.serve() }
        connection.onClosed = { _ in
            connection.onReadable = nil
            connection.onWritable = nil
            connection.onClosed = nil
            sessions[connection.id] = nil
        }
        // Input may be waiting already (restored, or arrived during the update).
        session.serve()
    }

    private func serve() {
        while flush() && !closing {
            let available = connection.availableBytes
            guard available >= inputNeeded else { break }
            let peeked = connection.peek(into: UnsafeMutableRawBufferPointer(rebasing: Self.scratch[0..<min(available, Self.scratch.count)]))
            let input = UnsafeRawBufferPointer(rebasing: Self.scratch[0..<peeked])
            var reply = Reply()
            let used = answer(input, into: &reply)
            connection.consume(used)
            closing = reply.closeConnection
            output = reply.bytes
            outputStart = 0
        }
        // After QUIT or a protocol error the rest of the input is dropped, so a client still
        // sending is not held up by a full window.
        if closing { connection.consume(connection.availableBytes) }
        if output.count == outputStart && (closing || connection.isAtEndOfStream) { connection.close() }
    }

    /// Runs the complete requests at the front of `input` until the batch is full; returns the
    /// bytes they took. Sets `inputNeeded` for the request that is not complete.
    private func answer(_ input: UnsafeRawBufferPointer, into reply: inout Reply) -> Int {
        var offset = 0
        inputNeeded = 1
        while offset < input.count && reply.bytes.count < Self.batchBytes && !reply.closeConnection {
            switch parser.parse(UnsafeRawBufferPointer(rebasing: input[offset...])) {
            case .request(let arguments, let length):
                offset += length
                if !arguments.isEmpty { CommandTable.execute(arguments, on: server, into: &reply) }
            case .incomplete(let needed):
                let waiting = input.count - offset
                // It already fills the receive buffer: it can never complete.
                guard waiting < parser.maximumRequest else { return refuse(Bytes("request too large"), into: &reply, input) }
                inputNeeded = max(needed, waiting + 1)
                return offset
            case .malformed(let reason):
                return refuse(reason, into: &reply, input)
            }
        }
        return offset
    }

    /// `-ERR Protocol error: REASON`, then the connection closes; the rest of the input is dropped.
    private func refuse(_ reason: Bytes, into reply: inout Reply, _ input: UnsafeRawBufferPointer) -> Int {
        reply.error(Bytes("ERR Protocol error: ") + reason)
        reply.closeConnection = true
        return input.count
    }

    /// Writes the pending replies; whether all of them went out.
    private func flush() -> Bool {
        guard outputStart < output.count else { return true }
        outputStart += output.withUnsafeBytes { connection.write(UnsafeRawBufferPointer(rebasing: $0[outputStart...])) }
        guard outputStart == output.count else { return false }
        output = []
        outputStart = 0
        return true
    }

    /// One entry per connection with replies not sent yet or a close to come: the connection's
    /// id, the close flag (1 byte), the replies.
    static func save(into storage: inout Storage, id: UInt16) throws(StorageError) {
        for (key, session) in sessions where session.outputStart < session.output.count || session.closing {
            try storage.add(id: id, bytes: key.bytes + [session.closing ? 1 : 0] + session.output[session.outputStart...])
        }
    }

    static func restore(_ bytes: Bytes) {
        guard bytes.count > TCPConnectionID.byteCount, let key = TCPConnectionID(bytes: bytes[...]) else { return }
        restored[key] = (Array(bytes[(TCPConnectionID.byteCount + 1)...]), bytes[TCPConnectionID.byteCount] != 0)
    }
}

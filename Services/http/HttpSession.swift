import Kernel

/// One client connection: answers its requests in order (pipelined ones too), one at a time.
/// A request is parsed where it lies in the connection's input and consumed only when answered,
/// so a half-received one waits in the connection (which an update keeps). A response the
/// send buffer cannot take whole waits in `state.unsent`, and the next request is not read
/// until it is sent: at most one response per connection is held here.
final class HttpSession {
    nonisolated(unsafe) private static var sessions = HashMap<TCPConnectionID, HttpSession>()
    /// States read from the storage area, until the accept handler gets their connections.
    nonisolated(unsafe) private static var restored = HashMap<TCPConnectionID, HttpSessionState>()
    nonisolated(unsafe) private static var scratch: [UInt8] = []
    nonisolated(unsafe) private(set) static var limits = HttpLimits()

    private let connection: TCPConnection
    private let server: Http
    private var state: HttpSessionState

    private init(_ connection: TCPConnection, server: Http, state: HttpSessionState) {
        self.connection = connection
        self.server = server
        self.state = state
    }

    static var count: Int { sessions.count }

    static func configure(_ limits: HttpLimits) {
        self.limits = limits
        scratch = [UInt8](repeating: 0, count: limits.headBytes)
    }

    /// A new connection, or one the previous image had (with its session's state, if saved).
    /// Returns the bytes of a half-sent response that were restored with it.
    @discardableResult
    static func attach(_ connection: TCPConnection, server: Http) -> Int? {
        let now = server.now
        let saved = restored.removeValue(forKey: connection.id)
        var state = saved ?? HttpSessionState()
        state.deadline += saved == nil ? now + limits.idleTimeout : now
        let session = HttpSession(connection, server: server, state: state)
        let id = connection.id
        sessions[id] = session
        connection.noDelay = true
        connection.onReadable = { session.serve() }
        connection.onWritable = { session.serve() }
        connection.onClosed = { _ in sessions[id] = nil }
        // Input may be waiting already (restored, or arrived during the update).
        session.serve()
        return saved.map { $0.unsent.count }
    }

    /// Connections saved but not re-attached are gone; their states are dropped.
    static func forgetUnattached() { restored = HashMap() }

    private func serve() {
        while flush() && !state.closing && answerNext() {}
        if state.unsent.isEmpty && (state.closing || connection.isAtEndOfStream) { connection.close() }
    }

    /// Sends what waits; whether all of it went.
    private func flush() -> Bool {
        guard !state.unsent.isEmpty else { return true }
        let accepted = state.unsent.withUnsafeBytes { connection.write($0) }
        state.unsent = state.unsent.dropFirst(accepted)
        guard state.unsent.isEmpty else { return false }
        state.unsent = []
        waitForNextRequest()
        return true
    }

    /// Answers the request at the start of the input; false when there is none whole yet.
    private func answerNext() -> Bool {
        let available = connection.availableBytes
        guard available > 0 else { return false }
        let count = min(available, Self.limits.headBytes)
        _ = Self.scratch.withUnsafeMutableBytes { connection.peek(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count])) }
        switch HttpRequestParser.parse(Self.scratch[0..<count], limit: Self.limits.headBytes) {
        case .incomplete:
            waitForHead()
            return false
        case .refused(let status, let why):
            refuse(status, why)
            return false
        case .request(let request):
            if request.method != .other && (request.bodyLength > 0 || request.hasTransferEncoding) {
                refuse(.badRequest, "a GET or HEAD request with a body")
            } else if request.bodyLength > Self.limits.bodyBytes {
                refuse(.contentTooLarge, "the request body is larger than the limit")
            } else if available < request.headLength + request.bodyLength {
                waitForHead()           // the body is still coming: the same deadline covers it
                return false
            } else {
                connection.consume(request.headLength + request.bodyLength)
                // A body whose end this server cannot find (Transfer-Encoding) ends the connection.
                respond(HttpRoutes.answer(request, server: server), to: request,
                        keepAlive: request.keepAlive && !request.hasTransferEncoding)
            }
            return true
        }
    }

    private func respond(_ answer: HttpRoutes.Answer, to request: HttpRequest?, keepAlive: Bool) {
        server.state.requests += 1
        send(HttpResponse.head(answer.status, contentType: answer.contentType, contentLength: answer.body.count,
                               closing: !keepAlive, keepAliveFor10: request?.isHTTP10 == true)[...])
        if request?.method != .head { send(answer.body) }
        if !keepAlive { state.closing = true }
        if state.unsent.isEmpty { waitForNextRequest() }
    }

    /// Answers with an error and closes: what follows in the input cannot be trusted to start
    /// a request.
    private func refuse(_ status: HttpStatus, _ why: StaticString) {
        respond(HttpRoutes.error(status, why), to: nil, keepAlive: false)
    }

    private func send(_ bytes: ArraySlice<UInt8>) {
        guard state.unsent.isEmpty else { return state.unsent.append(contentsOf: bytes) }
        let accepted = bytes.withUnsafeBytes { connection.write($0) }
        state.unsent = bytes.dropFirst(accepted)
    }

    private func waitForNextRequest() {
        state.wait = .idle
        state.deadline = server.now + Self.limits.idleTimeout
    }

    /// A request has begun: from now on the whole head must arrive within the head timeout.
    private func waitForHead() {
        guard state.wait == .idle else { return }
        state.wait = .head
        state.deadline = server.now + Self.limits.headTimeout
    }

    /// Answers 408 where a request head is late and closes idle connections whose time is up.
    static func expire(now: UInt64) {
        let late = sessions.values.filter { $0.state.unsent.isEmpty && !$0.state.closing && $0.state.deadline <= now }
        for session in late {
            if session.state.wait == .head {
                session.refuse(.requestTimeout, "the request head did not arrive in time")
                session.serve()
            } else {
                session.state.closing = true
                session.connection.close()
            }
        }
    }

    /// One entry per session: the connection's id, then its state (`HttpSessionState.encoded`).
    static func save(into storage: inout Storage, id: UInt16, now: UInt64) throws(StorageError) {
        for (key, session) in sessions {
            try storage.add(id: id, bytes: session.state.encoded(key, now: now))
        }
    }

    static func restore(_ bytes: [UInt8]) {
        guard let (id, state) = HttpSessionState.decode(bytes) else { return }
        restored[id] = state
    }
}

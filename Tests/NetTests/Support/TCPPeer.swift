import Net

/// A hand-driven TCP peer talking to a `CapturedStack` listener, for byte-exact tests.
final class TCPPeer {
    let host: CapturedStack
    let port: UInt16
    let peerPort: UInt16
    /// Our (the peer's) next sequence number and the stack's.
    var seq: UInt32 = 1_000_000
    var stackSeq: UInt32 = 0
    var connection: TCPConnection?
    var closeReason: TCPCloseReason?
    var received: [UInt8] = []

    init(parameters: NetworkParameters = NetworkParameters(), port: UInt16 = 80, peerPort: UInt16 = 40000) {
        host = CapturedStack(parameters: parameters)
        self.port = port
        self.peerPort = peerPort
        host.learnPeer()
    }

    static let defaultSYNOptions: [UInt8] = [2, 4, 0x05, 0xB4, 1, 3, 3, 7]   // MSS 1460, window scale 7

    /// Listens, completes the handshake and returns the SYN-ACK.
    @discardableResult
    func establish(synOptions: [UInt8] = defaultSYNOptions, window: UInt16 = 65535) throws -> Decoded {
        let listener = try host.stack.tcp.listen(port: port)
        listener.onAccept = { [unowned self] connection in
            self.connection = connection
            connection.onClosed = { [unowned self] in self.closeReason = $0 }
            connection.onReadable = { [unowned self] in self.received += connection.readAll() }
        }
        let synAck = host.deliverTCP(port: port, peerPort: peerPort, seq: seq, flags: .syn, window: window, options: synOptions)
        precondition(synAck.count == 1, "no SYN-ACK")
        seq += 1
        stackSeq = synAck[0].seq &+ 1
        send(flags: .ack, window: window)
        precondition(connection != nil, "handshake did not complete")
        return synAck[0]
    }

    /// Sends a segment with the current sequence numbers (overridable) and returns the replies.
    @discardableResult
    func send(flags: TCPFlags = .ack, seq explicitSeq: UInt32? = nil, ack explicitAck: UInt32? = nil,
              window: UInt16 = 65535, payload: [UInt8] = [], options: [UInt8] = []) -> [Decoded] {
        host.deliverTCP(port: port, peerPort: peerPort, seq: explicitSeq ?? seq, ack: explicitAck ?? stackSeq,
                        flags: flags, window: window, options: options, payload: payload)
    }

    /// Sends in-sequence data and advances our sequence number.
    @discardableResult
    func sendData(_ payload: [UInt8], flags: TCPFlags = [.ack, .psh], window: UInt16 = 65535) -> [Decoded] {
        let replies = send(flags: flags, window: window, payload: payload)
        seq &+= UInt32(payload.count)
        return replies
    }
}

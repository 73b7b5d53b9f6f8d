/// A connection's identity: its 4-tuple. Stable across a live update, so a service can store it
/// next to its session state and find the restored connection again with `tcp.connection(_:)`.
public struct TCPConnectionID: Hashable, Sendable {
    public var local: SocketAddress
    public var remote: SocketAddress

    public init(local: SocketAddress, remote: SocketAddress) {
        self.local = local
        self.remote = remote
    }

    /// The four fields as two words, for hashers that combine the ID with other values.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(UInt64(local.ip.raw) << 32 | UInt64(remote.ip.raw))
        hasher.combine(UInt32(local.port) << 16 | UInt32(remote.port))
    }

    /// The hash of the ID alone (`hashValue`, which HashMap uses, and the standard collections'
    /// hash): Hashable's customization point for it, as the standard integers use. Every
    /// received segment and every restored connection looks its 4-tuple up, and Hasher's
    /// SipHash cost about 200 instructions each; this costs about 25. It is keyed with
    /// random words drawn once per boot, two products of key-offset fields summed as in NH
    /// (RFC 4418), so that a peer choosing its address and ports cannot tell where they land,
    /// then mixed.
    public func _rawHashValue(seed: Int) -> Int {
        let key = Self.hashKey
        let addresses = UInt64(remote.ip.raw &+ key.remoteIP) &* UInt64(local.ip.raw &+ key.localIP)
        let ports = UInt64(UInt32(local.port) << 16 | UInt32(remote.port)) &+ UInt64(key.ports)
        var mixed = addresses &+ ports &* UInt64(key.multiplier ^ UInt32(truncatingIfNeeded: seed))
        // SplitMix64's finalizer: every bit of the sum reaches the low bits that pick a slot.
        mixed = (mixed ^ mixed >> 30) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ mixed >> 27) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: mixed ^ mixed >> 31)
    }

    private static let hashKey = (remoteIP: UInt32.random(in: .min ... .max), localIP: UInt32.random(in: .min ... .max),
                                  ports: UInt32.random(in: .min ... .max), multiplier: UInt32.random(in: .min ... .max))
}

/// The stack's TCP state: connections by 4-tuple, listeners by port, and the timer heap.
struct TCPTables {
    var connections = HashMap<TCPConnectionID, TCPConnection>()
    var listeners = HashMap<UInt16, TCPListener>()
    var timers = DeadlineHeap<TCPConnection>()
    var challengeACKWindowStart: UInt64 = 0
    var challengeACKsInWindow = 0
}

/// A listening port. `onAccept` is called for every connection that completes the handshake.
public final class TCPListener {
    public let port: UInt16
    /// Most half-open (SYN-RECEIVED) connections kept at once; a SYN beyond it is dropped, or
    /// replaces the oldest when that one's SYN-ACK has already been retransmitted.
    public let backlog: Int
    public var onAccept: ((TCPConnection) -> Void)?
    /// Half-open connections, oldest first.
    var halfOpen: [TCPConnection] = []
    public var halfOpenCount: Int { halfOpen.count }
    private var stack: NetworkStack?

    init(port: UInt16, backlog: Int, stack: NetworkStack) {
        self.port = port
        self.backlog = backlog
        self.stack = stack
    }

    /// Stops accepting; established connections are unaffected.
    public func close() {
        guard let stack else { return }
        stack.tcpTables.listeners[port] = nil
        self.stack = nil
    }
}

/// TCP entry points: `stack.tcp.listen(port:backlog:)` and `stack.tcp.connect(to:)`.
public struct TCPService {
    let stack: NetworkStack

    @inline(never)      // also called when listeners are restored; one copy saves kernel space
    public func listen(port: UInt16, backlog: Int = 128) throws(NetError) -> TCPListener {
        guard stack.tcpTables.listeners[port] == nil else { throw .portInUse }
        let listener = TCPListener(port: port, backlog: max(1, backlog), stack: stack)
        stack.tcpTables.listeners[port] = listener
        return listener
    }

    /// Starts an active open; `onConnected` or `onClosed(.refused/.timedOut)` reports the outcome.
    public func connect(to remote: SocketAddress) throws(NetError) -> TCPConnection {
        guard stack.config.isConfigured, stack.config.nextHop(for: remote.ip) != nil else { throw .noRoute }
        guard stack.tcpTables.connections.count < stack.parameters.tcpMaxConnections else { throw .tooManyConnections }
        let local = stack.config.ip
        let port = try stack.freeEphemeralPort { port in
            stack.tcpTables.listeners[port] == nil
                && stack.tcpTables.connections[TCPConnectionID(local: SocketAddress(local, port), remote: remote)] == nil
        }
        let connection = stack.makeConnection(state: .synSent, local: SocketAddress(local, port), remote: remote)
        connection.isUserVisible = true
        connection.sendSYN()
        return connection
    }

    /// Number of connections in the table, TIME-WAIT included.
    public var connectionCount: Int { stack.tcpTables.connections.count }

    /// Every connection in the table (TIME-WAIT and half-open ones included), in no set order.
    public var connections: [TCPConnection] { Array(stack.tcpTables.connections.values) }

    /// The connections on local port `port` (in every state), in no set order: one pass over
    /// the table, where filtering `connections` copies every connection first.
    public func connections(localPort port: UInt16) -> [TCPConnection] {
        var onPort: [TCPConnection] = []
        for (id, connection) in stack.tcpTables.connections where id.local.port == port { onPort.append(connection) }
        return onPort
    }

    public func connection(_ id: TCPConnectionID) -> TCPConnection? { stack.tcpTables.connections[id] }

    /// The open listener on `port`, e.g. to re-attach `onAccept` after a restore.
    public func listener(port: UInt16) -> TCPListener? { stack.tcpTables.listeners[port] }
}

extension NetworkStack {
    public var tcp: TCPService { TCPService(stack: self) }

    /// MSS we announce: the largest segment payload an MTU-sized packet carries.
    var ourMSS: Int { parameters.mtu - IPv4Header.minimumSize - TCPSegment.headerSize }

    func makeConnection(state: TCPState, local: SocketAddress, remote: SocketAddress) -> TCPConnection {
        var scale: UInt8 = 0
        while parameters.tcpReceiveBufferSize >> Int(scale) > 65535 && scale < TCPOptions.maximumWindowScale { scale += 1 }
        let tcb = TCPControlBlock(
            state: state, local: local, remote: remote,
            iss: InitialSequenceNumber.make(local: local, remote: remote, secret: isnSecret, now: now &+ isnClockOffset),
            mss: ourMSS, rcvScale: scale, sendBufferSize: parameters.tcpSendBufferSize,
            receiveBufferSize: parameters.tcpReceiveBufferSize, initialRTO: parameters.tcpInitialRTO)
        let connection = TCPConnection(tcb: tcb, stack: self)
        tcpTables.connections[TCPConnectionID(local: local, remote: remote)] = connection
        return connection
    }

    func receiveTCP(_ packet: UnsafeRawBufferPointer, header: IPv4Header) {
        let segment: TCPSegment
        do { segment = try TCPSegment(parsing: packet, source: header.source, destination: header.destination) } catch {
            return stats.drop(error)
        }
        let local = SocketAddress(header.destination, segment.destinationPort)
        let remote = SocketAddress(header.source, segment.sourcePort)
        let isPlainSYN = segment.flags.contains(.syn) && !segment.flags.contains(.ack) && !segment.flags.contains(.rst)
        let listener = isPlainSYN ? tcpTables.listeners[segment.destinationPort] : nil
        if let connection = tcpTables.connections[TCPConnectionID(local: local, remote: remote)] {
            // RFC 9293 3.10.7.4: a new SYN beyond the old sequence space may reopen a TIME-WAIT pair.
            guard let listener, connection.state == .timeWait, connection.tcb.rcvNxt < segment.seq else {
                return connection.receive(segment)
            }
            connection.terminate(.normal)
            return acceptSYN(segment, local: local, remote: remote, listener: listener)
        }
        if let listener { return acceptSYN(segment, local: local, remote: remote, listener: listener) }
        stats.drop(.noListener)
        replyWithReset(to: segment, local: local, remote: remote)
    }

    /// With the backlog full, the oldest half-open connection gives way once its SYN-ACK has gone
    /// unanswered for a retransmission timeout (RFC 4987 section 3.4): otherwise a SYN flood from
    /// addresses that never answer would close the port to everyone for a minute. Younger ones
    /// are kept, so a burst of real clients beyond the backlog is delayed (their SYNs are
    /// retransmitted) rather than reset.
    private func acceptSYN(_ segment: TCPSegment, local: SocketAddress, remote: SocketAddress, listener: TCPListener) {
        if listener.halfOpen.count >= listener.backlog {
            guard let oldest = listener.halfOpen.first, oldest.tcb.retransmissions > 0 else { return stats.drop(.backlogFull) }
            stats.drop(.backlogFull)
            oldest.terminate(.aborted)
        }
        guard tcpTables.connections.count < parameters.tcpMaxConnections else { return stats.drop(.backlogFull) }
        let connection = makeConnection(state: .synReceived, local: local, remote: remote)
        connection.listener = listener
        listener.halfOpen.append(connection)
        connection.acceptSYN(segment)
    }

    /// RFC 9293 reset generation for a segment that matches no connection.
    func replyWithReset(to segment: TCPSegment, local: SocketAddress, remote: SocketAddress) {
        guard !segment.flags.contains(.rst) else { return }
        if segment.flags.contains(.ack) {
            sendReset(from: local, to: remote, seq: segment.ack, ack: nil)
        } else {
            sendReset(from: local, to: remote, seq: SeqNum(0), ack: segment.seq + segment.length)
        }
    }

    func sendReset(from local: SocketAddress, to remote: SocketAddress, seq: SeqNum, ack: SeqNum?) {
        let header = OutgoingSegment(sourcePort: local.port, destinationPort: remote.port, seq: seq, ack: ack ?? SeqNum(0),
                                     flags: ack == nil ? .rst : [.rst, .ack], window: 0)
        stats.resetsSent &+= 1
        sendIPv4(to: remote.ip, protocolNumber: IPProtocol.tcp, payloadLength: header.headerSize, source: local.ip) {
            header.write(to: $0, source: local.ip, destination: remote.ip)
        }
    }

    /// RFC 5961 section 7: challenge ACKs are limited per second across the stack.
    func allowChallengeACK() -> Bool {
        if now &- tcpTables.challengeACKWindowStart >= NetworkParameters.second {
            tcpTables.challengeACKWindowStart = now
            tcpTables.challengeACKsInWindow = 0
        }
        guard tcpTables.challengeACKsInWindow < parameters.tcpChallengeACKsPerSecond else { return false }
        tcpTables.challengeACKsInWindow += 1
        stats.challengeACKsSent &+= 1
        return true
    }

    func runTCPTimers() {
        while let (deadline, connection) = tcpTables.timers.popDue(now: now) {
            if connection.scheduledDeadline == deadline { connection.scheduledDeadline = nil }
            connection.runTimers()
            connection.scheduleTimers()
        }
    }
}

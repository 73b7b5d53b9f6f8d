/// A DHCP client (RFC 2131): DISCOVER, OFFER, REQUEST, ACK, then renewal at T1 (half the lease).
/// On ACK it sets `stack.config` and calls `onConfigured`. The client stays alive (through its
/// socket and timer) until `stop()`.
public final class DHCPClient {
    public enum State: Sendable, Equatable { case selecting, requesting, bound, renewing }

    public private(set) var state = State.selecting
    public var onConfigured: ((InterfaceConfig) -> Void)?
    public private(set) var leaseSeconds: UInt32 = 0

    private let stack: NetworkStack
    private let socket: UDPSocket
    private var xid: UInt32 = 0
    private var offer: DHCPMessage?
    private var attempts = 0
    private var timer: ServiceTimer?

    static let firstRetry: UInt64 = 4 * NetworkParameters.second
    static let maxRetry: UInt64 = 64 * NetworkParameters.second

    init(stack: NetworkStack) throws(NetError) {
        self.stack = stack
        socket = try stack.udp.bind(port: DHCPMessage.clientPort)
        socket.onReceive = { _, payload in self.receive(payload) }
    }

    /// Stops the client (the address stays configured).
    public func stop() {
        timer?.cancel()
        socket.onReceive = nil
        socket.close()
    }

    func discover() {
        state = .selecting
        offer = nil
        attempts = 0
        xid = UInt32(truncatingIfNeeded: stack.random())
        transmit()
    }

    /// Sends the message for the current state and arms the retransmission timer
    /// (4 s doubling to 64 s, RFC 2131 section 4.1).
    private func transmit() {
        var message = DHCPMessage(kind: state == .selecting ? .discover : .request, xid: xid, clientMAC: stack.config.mac)
        var destination = IPv4Address.broadcast
        switch state {
        case .selecting: break
        case .requesting:
            message.requestedAddress = offer?.yourAddress
            message.serverIdentifier = offer?.serverIdentifier
        case .renewing, .bound:
            message.clientAddress = stack.config.ip
            destination = offer?.serverIdentifier ?? .broadcast
        }
        let source = state == .renewing ? stack.config.ip : IPv4Address.any
        let bytes = message.encoded()
        bytes.withUnsafeBytes { raw in
            try? stack.sendUDP(raw, from: DHCPMessage.clientPort,
                               to: SocketAddress(destination, DHCPMessage.serverPort), source: source)
        }
        var delay = Self.firstRetry
        for _ in 0 ..< attempts where delay < Self.maxRetry { delay *= 2 }
        attempts += 1
        timer?.cancel()
        timer = stack.schedule(after: delay) {
            // An unanswered REQUEST starts over; DISCOVER and renewal just repeat.
            if self.state == .requesting && self.attempts >= 4 { return self.discover() }
            self.transmit()
        }
    }

    private func receive(_ payload: UnsafeRawBufferPointer) {
        guard let reply = DHCPMessage(parsing: payload) else { return stack.stats.drop(.truncated) }
        guard reply.xid == xid, reply.clientMAC == stack.config.mac else { return stack.stats.drop(.notForUs) }
        switch (state, reply.kind) {
        case (.selecting, .offer):
            guard reply.yourAddress != .any, reply.serverIdentifier != nil else { return }
            offer = reply
            state = .requesting
            attempts = 0
            transmit()
        case (.requesting, .ack), (.renewing, .ack):
            bind(reply)
        case (.requesting, .nak), (.renewing, .nak):
            stack.config.ip = .any
            discover()
        default:
            break
        }
    }

    private func bind(_ ack: DHCPMessage) {
        state = .bound
        attempts = 0
        leaseSeconds = ack.leaseSeconds ?? 3600
        if offer == nil { offer = ack }
        var config = stack.config
        config.ip = ack.yourAddress
        config.netmask = ack.subnetMask ?? .netmask(prefixLength: 24)
        config.gateway = ack.router
        config.dns = ack.dns
        stack.config = config
        timer?.cancel()
        timer = stack.schedule(after: UInt64(leaseSeconds / 2) * NetworkParameters.second) {
            self.state = .renewing
            self.xid = UInt32(truncatingIfNeeded: self.stack.random())
            self.transmit()
        }
        onConfigured?(config)
    }
}

extension NetworkStack {
    /// Starts DHCP on port 68; the returned client reports the lease through `onConfigured`.
    public func startDHCP() throws(NetError) -> DHCPClient {
        let client = try DHCPClient(stack: self)
        client.discover()
        return client
    }
}

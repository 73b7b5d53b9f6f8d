/// A bound UDP port. Datagrams arrive through `onReceive`; the buffer is valid only during the call.
public final class UDPSocket {
    public let port: UInt16
    public var onReceive: ((SocketAddress, UnsafeRawBufferPointer) -> Void)?
    private var stack: NetworkStack?

    init(port: UInt16, stack: NetworkStack) {
        self.port = port
        self.stack = stack
    }

    public var isOpen: Bool { stack != nil }

    public func send(_ bytes: UnsafeRawBufferPointer, to destination: SocketAddress) throws(NetError) {
        guard let stack else { throw .socketClosed }
        try stack.sendUDP(bytes, from: port, to: destination)
    }

    public func send(_ bytes: [UInt8], to destination: SocketAddress) throws(NetError) {
        let result = bytes.withUnsafeBytes { raw -> Result<Void, NetError> in
            do throws(NetError) { try send(raw, to: destination) } catch { return .failure(error) }
            return .success(())
        }
        try result.get()
    }

    public func close() {
        guard let stack else { return }
        stack.udpSockets[port] = nil
        self.stack = nil
    }
}

/// UDP entry points: `stack.udp.bind(port:)`.
public struct UDPService {
    let stack: NetworkStack

    /// Binds `port`, or a free ephemeral port when `port` is 0.
    public func bind(port: UInt16 = 0) throws(NetError) -> UDPSocket {
        let chosen = port != 0 ? port : try stack.freeEphemeralPort { stack.udpSockets[$0] == nil }
        guard stack.udpSockets[chosen] == nil else { throw .portInUse }
        let socket = UDPSocket(port: chosen, stack: stack)
        stack.udpSockets[chosen] = socket
        return socket
    }
}

extension NetworkStack {
    public var udp: UDPService { UDPService(stack: self) }

    static let udpHeaderSize = 8

    func freeEphemeralPort(isFree: (UInt16) -> Bool) throws(NetError) -> UInt16 {
        for _ in 0 ..< ephemeralPortRange.count {
            let candidate = nextEphemeralPort
            nextEphemeralPort = candidate == ephemeralPortRange.upperBound ? ephemeralPortRange.lowerBound : candidate + 1
            if isFree(candidate) { return candidate }
        }
        throw .noFreePort
    }

    func receiveUDP(_ datagram: UnsafeRawBufferPointer, header: IPv4Header) {
        guard datagram.count >= Self.udpHeaderSize else { return stats.drop(.truncated) }
        let length = Int(datagram.u16(4))
        guard length >= Self.udpHeaderSize, length <= datagram.count else { return stats.drop(.badHeaderLength) }
        let body = datagram.slice(0, length)!
        if datagram.u16(6) != 0 {
            var checksum = pseudoHeaderChecksum(source: header.source, destination: header.destination,
                                                protocolNumber: IPProtocol.udp, length: length)
            checksum.add(body)
            guard checksum.value == 0 else { return stats.drop(.badChecksum) }
        }
        guard let socket = udpSockets[datagram.u16(2)] else { return stats.drop(.noListener) }
        socket.onReceive?(SocketAddress(header.source, datagram.u16(0)),
                          body.slice(Self.udpHeaderSize, length - Self.udpHeaderSize)!)
    }

    func sendUDP(_ bytes: UnsafeRawBufferPointer, from port: UInt16, to destination: SocketAddress,
                 source: IPv4Address? = nil) throws(NetError) {
        let length = Self.udpHeaderSize + bytes.count
        guard length <= maxIPPayload else { throw .messageTooLong }
        let sourceIP = source ?? config.ip
        let routed = sendIPv4(to: destination.ip, protocolNumber: IPProtocol.udp, payloadLength: length, source: sourceIP) { datagram in
            datagram.put16(port, at: 0)
            datagram.put16(destination.port, at: 2)
            datagram.put16(UInt16(length), at: 4)
            datagram.put16(0, at: 6)
            if !bytes.isEmpty { datagram.slice(Self.udpHeaderSize, bytes.count).copyMemory(from: bytes) }
            var checksum = pseudoHeaderChecksum(source: sourceIP, destination: destination.ip,
                                                protocolNumber: IPProtocol.udp, length: length)
            checksum.add(UnsafeRawBufferPointer(datagram))
            let value = checksum.value
            datagram.put16(value == 0 ? 0xFFFF : value, at: 6)
        }
        guard routed else { throw .noRoute }
    }
}

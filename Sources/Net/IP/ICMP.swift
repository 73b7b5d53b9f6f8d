enum ICMPType {
    static let echoReply: UInt8 = 0
    static let echoRequest: UInt8 = 8
}

extension NetworkStack {
    /// Answers echo requests (RFC 792) sent to our unicast address; other messages are counted
    /// as unsupported.
    func receiveICMP(_ message: UnsafeRawBufferPointer, header: IPv4Header, broadcast: Bool) {
        guard message.count >= 8 else { return stats.drop(.truncated) }
        guard InternetChecksum.of(message) == 0 else { return stats.drop(.badChecksum) }
        guard message.u8(0) == ICMPType.echoRequest, message.u8(1) == 0, !broadcast else {
            return stats.drop(.unsupportedProtocol)
        }
        guard message.count <= maxIPPayload else { return stats.drop(.oversized) }
        sendIPv4(to: header.source, protocolNumber: IPProtocol.icmp, payloadLength: message.count) { reply in
            reply.copyMemory(from: message)
            reply.put8(ICMPType.echoReply, at: 0)
            reply.put16(0, at: 2)
            reply.put16(InternetChecksum.of(UnsafeRawBufferPointer(reply)), at: 2)
        }
    }
}

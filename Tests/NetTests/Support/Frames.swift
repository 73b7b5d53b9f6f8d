import TestSupport
import Net

/// Reference checksum: the plain RFC 1071 sum of big-endian 16-bit words, byte by byte.
func referenceChecksum(_ bytes: [UInt8]) -> UInt16 {
    var sum: UInt32 = 0
    var index = 0
    while index < bytes.count {
        let high = UInt32(bytes[index]) << 8
        let low = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
        sum += high | low
        index += 2
    }
    while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
    return ~UInt16(sum)
}

func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
func be32(_ value: UInt32) -> [UInt8] { be16(UInt16(value >> 16)) + be16(UInt16(value & 0xFFFF)) }
func bytes(_ mac: MACAddress) -> [UInt8] { (0 ..< 6).map { UInt8((mac.raw >> UInt64(40 - 8 * $0)) & 0xFF) } }
func bytes(_ ip: IPv4Address) -> [UInt8] { be32(ip.raw) }

/// Builds well-formed (or deliberately broken) frames for hand-crafted tests.
enum Frames {
    static func ethernet(to: MACAddress, from: MACAddress, type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        bytes(to) + bytes(from) + be16(type) + payload
    }

    static func ipv4(from: IPv4Address, to: IPv4Address, proto: UInt8, ttl: UInt8 = 64, flagsFragment: UInt16 = 0x4000,
                     _ payload: [UInt8]) -> [UInt8] {
        var header: [UInt8] = [0x45, 0] + be16(UInt16(20 + payload.count)) + be16(0x1234) + be16(flagsFragment)
        header += [ttl, proto, 0, 0] + bytes(from) + bytes(to)
        let checksum = referenceChecksum(header)
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xFF)
        return header + payload
    }

    static func pseudoHeader(from: IPv4Address, to: IPv4Address, proto: UInt8, length: Int) -> [UInt8] {
        bytes(from) + bytes(to) + [0, proto] + be16(UInt16(length))
    }

    static func udp(from: SocketAddress, to: SocketAddress, _ payload: [UInt8]) -> [UInt8] {
        var datagram = be16(from.port) + be16(to.port) + be16(UInt16(8 + payload.count)) + [0, 0] + payload
        let checksum = referenceChecksum(pseudoHeader(from: from.ip, to: to.ip, proto: 17, length: datagram.count) + datagram)
        datagram[6] = UInt8(checksum >> 8)
        datagram[7] = UInt8(checksum & 0xFF)
        return datagram
    }

    static func tcp(from: SocketAddress, to: SocketAddress, seq: UInt32, ack: UInt32 = 0, flags: TCPFlags,
                    window: UInt16 = 65535, options: [UInt8] = [], payload: [UInt8] = []) -> [UInt8] {
        let headerLength = 20 + options.count
        var segment = be16(from.port) + be16(to.port) + be32(seq) + be32(ack)
        segment += [UInt8(headerLength / 4) << 4, flags.rawValue] + be16(window) + [0, 0, 0, 0] + options + payload
        let checksum = referenceChecksum(pseudoHeader(from: from.ip, to: to.ip, proto: 6, length: segment.count) + segment)
        segment[16] = UInt8(checksum >> 8)
        segment[17] = UInt8(checksum & 0xFF)
        return segment
    }

    static func arp(operation: UInt16, senderMAC: MACAddress, senderIP: IPv4Address, targetMAC: MACAddress,
                    targetIP: IPv4Address) -> [UInt8] {
        [0, 1, 8, 0, 6, 4] + be16(operation) + bytes(senderMAC) + bytes(senderIP) + bytes(targetMAC) + bytes(targetIP)
    }
}

/// A decoded outgoing frame, for assertions.
struct Decoded {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func u16(_ offset: Int) -> UInt16 { UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1]) }
    func u32(_ offset: Int) -> UInt32 { UInt32(u16(offset)) << 16 | UInt32(u16(offset + 2)) }

    var etherType: UInt16 { u16(12) }
    var ipProtocol: UInt8 { bytes[23] }
    var ipSource: IPv4Address { IPv4Address(raw: u32(26)) }
    var ipDestination: IPv4Address { IPv4Address(raw: u32(30)) }
    var ipTotalLength: Int { Int(u16(16)) }
    var isTCP: Bool { etherType == 0x0800 && ipProtocol == 6 }
    var isUDP: Bool { etherType == 0x0800 && ipProtocol == 17 }
    var isARP: Bool { etherType == 0x0806 }
    var transport: Int { 14 + Int(bytes[14] & 0xF) * 4 }

    // TCP
    var sourcePort: UInt16 { u16(transport) }
    var destinationPort: UInt16 { u16(transport + 2) }
    var seq: UInt32 { u32(transport + 4) }
    var ack: UInt32 { u32(transport + 8) }
    var tcpHeaderLength: Int { Int(bytes[transport + 12] >> 4) * 4 }
    var flags: TCPFlags { TCPFlags(rawValue: bytes[transport + 13]) }
    var window: UInt16 { u16(transport + 14) }
    var tcpOptions: [UInt8] { Array(bytes[(transport + 20) ..< (transport + tcpHeaderLength)]) }
    var tcpPayload: [UInt8] { Array(bytes[(transport + tcpHeaderLength) ..< (14 + ipTotalLength)]) }

    /// Verifies the IP header checksum and the transport checksum with the reference sum.
    var checksumsValid: Bool {
        let ipHeader = Array(bytes[14 ..< transport])
        guard referenceChecksum(ipHeader) == 0 else { return false }
        let segment = Array(bytes[transport ..< 14 + ipTotalLength])
        return referenceChecksum(Frames.pseudoHeader(from: ipSource, to: ipDestination, proto: ipProtocol,
                                                     length: segment.count) + segment) == 0
    }
}

/// One stack whose output is captured, fed with hand-crafted frames.
final class CapturedStack {
    static let mac = MACAddress(0x02, 0, 0, 0, 0, 0x10)
    static let ip = IPv4Address(10, 0, 2, 15)
    static let peerMAC = MACAddress(0x02, 0, 0, 0, 0, 0x20)
    static let peerIP = IPv4Address(10, 0, 2, 2)

    var now: UInt64 = 1 * second
    var output: [[UInt8]] = []
    var stack: NetworkStack!

    init(parameters: NetworkParameters = NetworkParameters(), configured: Bool = true, seed: UInt64 = 42) {
        var random = SplitMix64(seed: seed)
        let config = configured
            ? InterfaceConfig(mac: Self.mac, ip: Self.ip, netmask: .netmask(prefixLength: 24), gateway: Self.peerIP)
            : InterfaceConfig(mac: Self.mac)
        stack = NetworkStack(config: config, parameters: parameters, random: { random.next() }) { [weak self] frame in
            self?.output.append(Array(frame))
        }
        stack.poll(now: now)
    }

    /// Delivers a frame from the peer and returns what the stack sent in response.
    @discardableResult
    func deliver(_ frame: [UInt8]) -> [Decoded] {
        output.removeAll()
        frame.withUnsafeBytes { stack.receive(frame: $0, now: now) }
        return output.map(Decoded.init)
    }

    func deliverIP(proto: UInt8, _ payload: [UInt8], from: IPv4Address = peerIP, to: IPv4Address = ip) -> [Decoded] {
        deliver(Frames.ethernet(to: Self.mac, from: Self.peerMAC, type: 0x0800,
                                Frames.ipv4(from: from, to: to, proto: proto, payload)))
    }

    /// Delivers a TCP segment from the peer (default port 40000) to `port`.
    @discardableResult
    func deliverTCP(port: UInt16, peerPort: UInt16 = 40000, seq: UInt32, ack: UInt32 = 0, flags: TCPFlags,
                    window: UInt16 = 65535, options: [UInt8] = [], payload: [UInt8] = []) -> [Decoded] {
        deliverIP(proto: 6, Frames.tcp(from: SocketAddress(Self.peerIP, peerPort), to: SocketAddress(Self.ip, port),
                                       seq: seq, ack: ack, flags: flags, window: window, options: options, payload: payload))
    }

    /// Advances the fake clock by `delta` and runs due timers; returns frames sent meanwhile.
    @discardableResult
    func advance(by delta: UInt64) -> [Decoded] {
        output.removeAll()
        let end = now + delta
        while let deadline = stack.nextDeadline, deadline <= end {
            now = max(now, deadline)
            stack.poll(now: now)
        }
        now = end
        stack.poll(now: now)
        return output.map(Decoded.init)
    }

    /// Teaches the stack the peer's MAC so that replies go out immediately.
    @discardableResult
    func learnPeer() -> [Decoded] {
        deliver(Frames.ethernet(to: .broadcast, from: Self.peerMAC, type: 0x0806,
                                Frames.arp(operation: 1, senderMAC: Self.peerMAC, senderIP: Self.peerIP,
                                           targetMAC: .zero, targetIP: Self.ip)))
    }
}

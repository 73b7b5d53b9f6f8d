import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Minimal blocking POSIX sockets to 127.0.0.1 for talking to a guest through QEMU's port
/// forwards. Every call has a timeout, so a silent guest fails the test instead of hanging it.
struct SocketFailure: Error, CustomStringConvertible {
    let description: String
    init(_ what: String) { description = "\(what): \(String(cString: strerror(errno)))" }
}

final class HostSocket: @unchecked Sendable {
    let descriptor: Int32

    private init(type: Int32, timeoutSeconds: Int) throws {
        descriptor = socket(AF_INET, type, 0)
        guard descriptor >= 0 else { throw SocketFailure("socket") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    private func withAddress<R>(_ port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var address = Self.loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    static func tcp(port: UInt16, timeoutSeconds: Int = 60) throws -> HostSocket {
        let socket = try HostSocket(type: Int32(SOCK_STREAM.rawValue), timeoutSeconds: timeoutSeconds)
        guard socket.withAddress(port, { connect(socket.descriptor, $0, $1) }) == 0 else { throw SocketFailure("connect") }
        return socket
    }

    static func udp(port: UInt16, timeoutSeconds: Int = 5) throws -> HostSocket {
        let socket = try HostSocket(type: Int32(SOCK_DGRAM.rawValue), timeoutSeconds: timeoutSeconds)
        guard socket.withAddress(port, { connect(socket.descriptor, $0, $1) }) == 0 else { throw SocketFailure("connect") }
        return socket
    }

    func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw SocketFailure("send") }
            offset += sent
        }
    }

    /// Reads until `count` bytes arrived, the peer closed, or a read timed out.
    func receive(count: Int) throws -> [UInt8] {
        var received = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = received[offset...].withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if got == 0 { break }
            guard got > 0 else { throw SocketFailure("recv after \(offset) of \(count) bytes") }
            offset += got
        }
        return Array(received[..<offset])
    }

    /// Whatever arrives next, at most `limit` bytes; empty when the peer closed.
    func receive(upTo limit: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: limit)
        let got = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard got >= 0 else { throw SocketFailure("recv") }
        return Array(buffer[..<got])
    }

    /// One datagram (at most 64 KiB).
    func receiveDatagram() throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let got = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard got >= 0 else { throw SocketFailure("recv") }
        return Array(buffer[..<got])
    }

    func shutdownWrite() { shutdown(descriptor, Int32(SHUT_WR)) }

    /// A port the kernel just handed out for 127.0.0.1, so very likely still free.
    static func freePort(type: Int32 = Int32(SOCK_STREAM.rawValue)) throws -> UInt16 {
        let probe = try HostSocket(type: type, timeoutSeconds: 1)
        guard probe.withAddress(0, { bind(probe.descriptor, $0, $1) }) == 0 else { throw SocketFailure("bind") }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe.descriptor, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }
}

/// Deterministic pseudo-random bytes (SplitMix64), so a failing run can be replayed.
func pseudoRandomBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    var bytes = [UInt8]()
    bytes.reserveCapacity(count)
    while bytes.count < count {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        withUnsafeBytes(of: z) { bytes.append(contentsOf: $0.prefix(count - bytes.count)) }
    }
    return bytes
}

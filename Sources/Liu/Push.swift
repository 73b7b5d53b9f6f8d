import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `liu push IMAGE --to HOST:PORT`: sends a kernel image to a running kernel's update
/// listener (8-byte little-endian length, then the bytes) and reads its one-line answer.
/// After `accepted` it waits for the outcome: the new kernel, which keeps the connection,
/// says `swapped` (without connection hand-over the connection vanishes: probe bytes meet a
/// reset or the end of the stream), or the old kernel says `abandoned:`.
public enum Push {
    public enum Answer: Equatable {
        /// Accepted, and the old kernel went away: the swap has begun.
        case accepted(bytes: Int)
        /// Accepted, but stopping or saving failed; the old kernel goes on.
        case abandoned(reason: String)
        /// Refused before anything was touched.
        case refused(reason: String)
    }

    /// How long the outcome of an accepted image may take.
    static let swapTimeout: Double = 10

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
        static func system(_ what: String) -> Failure { Failure("\(what): \(String(cString: strerror(errno)))") }
    }

    /// Runs the command: 0 when the kernel accepted the image, 1 when it refused it.
    static func run(_ options: LiuCommand.PushOptions) throws -> Int32 {
        guard let image = FileManager.default.contents(atPath: options.image) else { throw Failure("cannot read the image \(options.image)") }
        let (host, port) = try parse(options.destination)
        print("liu: pushing \(image.count) bytes to \(host):\(port)")
        switch try send([UInt8](image), host: host, port: port, progress: { sent in
            print("liu: sent \(sent) of \(image.count) bytes")
        }) {
        case .accepted(let bytes):
            print("accepted \(bytes); the kernel is swapping")
            return 0
        case .abandoned(let reason):
            print("abandoned: \(reason)")
            return 1
        case .refused(let reason):
            print("refused: \(reason)")
            return 1
        }
    }

    static func parse(_ destination: String) throws(UsageError) -> (host: String, port: UInt16) {
        guard let colon = destination.lastIndex(of: ":"), let port = UInt16(destination[destination.index(after: colon)...]),
              colon > destination.startIndex else {
            throw UsageError("--to takes HOST:PORT, e.g. 127.0.0.1:666")
        }
        return (String(destination[..<colon]), port)
    }

    /// Sends length and image, then reads the answer line. `progress` is told the bytes sent
    /// after every MiB and at the end.
    public static func send(_ image: [UInt8], host: String, port: UInt16, timeoutSeconds: Int = 60,
                            progress: (Int) -> Void = { _ in }) throws -> Answer {
        let socket = try connect(host: host, port: port, timeoutSeconds: timeoutSeconds)
        defer { close(socket) }
        var message = withUnsafeBytes(of: UInt64(image.count).littleEndian) { [UInt8]($0) }
        message += image
        var offset = 0
        var reported = 0
        while offset < message.count, !answerWaiting(socket) {
            let chunk = min(message.count - offset, 64 * 1024)
            let sent = message[offset..<(offset + chunk)].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { break }
            offset += sent
            let imageBytes = max(0, offset - 8)
            if imageBytes - reported >= 1 << 20 || offset == message.count {
                progress(imageBytes)
                reported = imageBytes
            }
        }
        let answer = try parseAnswer(readLine(socket))
        guard case .accepted = answer else { return answer }
        return try awaitOutcome(socket, accepted: answer)
    }

    /// Probes the accepted connection until it ends (the swap) or an `abandoned:` line comes.
    private static func awaitOutcome(_ socket: Int32, accepted: Answer) throws -> Answer {
        let deadline = Date().addingTimeInterval(swapTimeout)
        var probe = UInt8(ascii: "\n")
        while Date() < deadline {
            guard Glibc.send(socket, &probe, 1, Int32(MSG_NOSIGNAL)) == 1 else { return accepted }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            guard let line = try? readLine(socket), !line.isEmpty else { return accepted }
            if line.hasPrefix("abandoned: ") { return .abandoned(reason: String(line.dropFirst("abandoned: ".count))) }
            // The new kernel kept this connection across the swap and says so.
            if line == "swapped" { return accepted }
            throw Failure("unexpected answer after acceptance: \(line)")
        }
        throw Failure("the kernel accepted the image but neither swapped nor abandoned it within \(Int(swapTimeout)) s")
    }

    /// A kernel that refuses before the image is complete (too large) answers at once and
    /// closes: stop sending and read its reason.
    private static func answerWaiting(_ socket: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }

    static func parseAnswer(_ line: String) throws -> Answer {
        if line.hasPrefix("accepted "), let bytes = Int(line.dropFirst("accepted ".count)) { return .accepted(bytes: bytes) }
        if line.hasPrefix("refused: ") { return .refused(reason: String(line.dropFirst("refused: ".count))) }
        throw Failure(line.isEmpty ? "the kernel closed the connection without an answer" : "unexpected answer: \(line)")
    }

    static func readLine(_ socket: Int32) throws -> String {
        var line = [UInt8]()
        var byte: UInt8 = 0
        while true {
            let got = recv(socket, &byte, 1, 0)
            if got == 0 { break }
            guard got == 1 else { throw Failure.system("no answer from the kernel") }
            if byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        return String(decoding: line, as: UTF8.self)
    }

    static func connect(host: String, port: UInt16, timeoutSeconds: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let address = result else {
            throw Failure("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(result) }
        let socket = Glibc.socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
        guard socket >= 0 else { throw Failure.system("socket") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard Glibc.connect(socket, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 else {
            let failure = Failure.system("cannot connect to \(host):\(port)")
            close(socket)
            throw failure
        }
        return socket
    }
}

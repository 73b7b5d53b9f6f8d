import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `liu push IMAGE --to HOST:PORT`: sends a kernel image to a running kernel's update
/// listener (8-byte little-endian length, then the bytes) and reads its answer: `refused:`, or
/// `accepted`, after which the connection lives on in the next kernel and says how the trial
/// ended: `confirmed LABEL downtime-ns …` from the new image, `rolled back to LABEL: REASON` from
/// the known-good one, `abandoned:` from the old one when saving failed; a connection that ends
/// without a verdict means the guest reset. The known-good image port answers `registered`.
public enum Push {
    public enum Answer: Equatable, Sendable {
        /// Accepted; not waited for the verdict.
        case accepted(bytes: Int)
        /// Stored as the known-good image (the known-good image port).
        case registered(bytes: Int)
        /// The new image `label` serves and confirmed its trial; `downtime` is its
        /// `downtime-ns total=N save=N …` summary.
        case confirmed(label: String, downtime: String)
        /// The new image failed its trial; the known-good image `label` runs, with the state.
        case rolledBack(label: String, reason: String)
        /// The guest reset: no verdict came, the connection ended.
        case reset(String)
        /// Accepted, but stopping or saving failed; the old kernel goes on.
        case abandoned(reason: String)
        /// Refused before anything was touched.
        case refused(reason: String)
    }

    /// How long a verdict may take after the acceptance: boot, restore and the confirmation
    /// deadline, under emulation.
    static let verdictTimeout: Double = 120

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
        static func system(_ what: String) -> Failure { Failure("\(what): \(String(cString: strerror(errno)))") }
    }

    /// Runs the command; exit 0 confirmed (or registered, or accepted with `--no-wait`), 2
    /// rolled back, 3 the guest reset, 1 refused or abandoned.
    static func run(_ options: LiuCommand.PushOptions) throws -> Int32 {
        guard let image = FileManager.default.contents(atPath: options.image) else { throw Failure("cannot read the image \(options.image)") }
        let (host, port) = try parse(options.destination)
        if image.starts(with: [0x7F, 0x45, 0x4C, 0x46]) {
            let bundle = KernelBuild.bundlePath(forImage: URL(fileURLWithPath: options.image)).lastPathComponent
            throw Failure("\(options.image) is an unsigned ELF image and kernels install only signed bundles; "
                + "push \(bundle), which liu build writes next to it")
        }
        if let status = try? GuestStatus.fetch(host: host, port: port) {
            try checkPort(status, knownGood: options.knownGood, destination: options.destination)
            if !options.knownGood && status.knownGood == nil {
                FileHandle.standardError.write(Data(("liu push: warning: the guest has no known-good image: if the new image fails "
                    + "its trial the guest resets and the service's state is lost (register one with liu push --known-good)\n").utf8))
            }
        }
        print("liu push: sending \(image.count) bytes to \(host):\(port)")
        let answer = try send([UInt8](image), host: host, port: port, wait: options.wait, progress: { sent in
            if image.count > 1 << 20 { print("liu push: sent \(sent) of \(image.count) bytes") }
        })
        print(describe(answer))
        return exitCode(answer)
    }

    /// The known-good image port takes `--known-good` pushes only, the update port the others.
    private static func checkPort(_ status: GuestStatus, knownGood: Bool, destination: String) throws {
        if knownGood && status.port == "update" {
            throw Failure("\(destination) is the guest's update port: --known-good goes to its known-good image port (667 in the guest)")
        }
        if !knownGood && status.port == "known-good" {
            throw Failure("\(destination) is the guest's known-good image port: add --known-good, or push the update to its update port (666 in the guest)")
        }
    }

    static func describe(_ answer: Answer) -> String {
        switch answer {
        case .accepted(let bytes): "accepted \(bytes) bytes; not waiting for the outcome (liu status tells it)"
        case .registered(let bytes): "registered \(bytes) bytes as the known-good image"
        case .confirmed(let label, let downtime): "updated to \(label) in \(DowntimeSummary(downtime)?.text ?? downtime) (confirmed)"
        case .rolledBack(let label, let reason): "rolled back to \(label): \(reason)"
        case .reset(let detail): "the guest reset: \(detail)"
        case .abandoned(let reason): "abandoned: \(reason)"
        case .refused(let reason): "refused: \(reason)"
        }
    }

    static func exitCode(_ answer: Answer) -> Int32 {
        switch answer {
        case .accepted, .registered, .confirmed: 0
        case .rolledBack: 2
        case .reset: 3
        case .abandoned, .refused: 1
        }
    }

    static func parse(_ destination: String) throws(UsageError) -> (host: String, port: UInt16) {
        guard let colon = destination.lastIndex(of: ":"), let port = UInt16(destination[destination.index(after: colon)...]),
              colon > destination.startIndex else {
            throw UsageError("--to takes HOST:PORT, e.g. 127.0.0.1:666")
        }
        return (String(destination[..<colon]), port)
    }

    /// Sends length and image, then reads the answer line and, with `wait`, the verdict.
    /// `progress` is told the bytes sent after every MiB and at the end.
    public static func send(_ image: [UInt8], host: String, port: UInt16, wait: Bool = true, timeoutSeconds: Int = 60,
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
        guard case .accepted = answer, wait else { return answer }
        return try awaitVerdict(socket, accepted: answer)
    }

    /// Reads the verdict after an acceptance. A newline is sent every quarter second: a guest
    /// that reset answers it with a reset (user networking does not pass on keepalive probes),
    /// and the kernels ignore it (none of them reads the connection after the image; the new
    /// one says nothing before its verdict, so the known-good one can still speak after a
    /// rollback with the connection as the old one saved it).
    private static func awaitVerdict(_ socket: Int32, accepted: Answer) throws -> Answer {
        let deadline = Date().addingTimeInterval(verdictTimeout)
        var probe = UInt8(ascii: "\n")
        let reset = Answer.reset("the connection ended without a verdict: the new image failed with no known-good image "
            + "to roll back to (or the kernel crashed), so the guest restarted from its original image and the "
            + "service's state is lost")
        while Date() < deadline {
            guard Glibc.send(socket, &probe, 1, Int32(MSG_NOSIGNAL)) == 1 else { return reset }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 250) > 0 else { continue }
            guard let line = try? readLine(socket), !line.isEmpty else { return reset }
            if let verdict = parseVerdict(line) { return verdict }
            throw Failure("unexpected answer after the acceptance: \(line)")
        }
        throw Failure("the kernel accepted the image but gave no verdict within \(Int(verdictTimeout)) s")
    }

    static func parseVerdict(_ line: String) -> Answer? {
        if line.hasPrefix("abandoned: ") { return .abandoned(reason: String(line.dropFirst("abandoned: ".count))) }
        if line.hasPrefix("confirmed ") {
            let rest = line.dropFirst("confirmed ".count)
            let label = rest.prefix { $0 != " " }
            return .confirmed(label: String(label), downtime: String(rest.dropFirst(label.count).drop { $0 == " " }))
        }
        if line.hasPrefix("rolled back to "), let colon = line.range(of: ": ") {
            return .rolledBack(label: String(line[line.index(line.startIndex, offsetBy: "rolled back to ".count)..<colon.lowerBound]),
                               reason: String(line[colon.upperBound...]))
        }
        return nil
    }

    /// A kernel that refuses before the image is complete (too large) answers at once and
    /// closes: stop sending and read its reason.
    private static func answerWaiting(_ socket: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }

    static func parseAnswer(_ line: String) throws -> Answer {
        if line.hasPrefix("accepted "), let bytes = Int(line.dropFirst("accepted ".count)) { return .accepted(bytes: bytes) }
        if line.hasPrefix("registered "), let bytes = Int(line.dropFirst("registered ".count)) { return .registered(bytes: bytes) }
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

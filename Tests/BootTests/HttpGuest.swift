import Foundation
import Liu
import Testing

/// The http service (`Services/http`) booted under TCG with its port 80 and the update port
/// forwarded to 127.0.0.1, and what the tests use to talk to it: curl and raw sockets.
struct HttpGuest {
    let guest: ServiceGuest
    let target: KernelTarget

    var port: UInt16 { guest.hostPort(80) }
    var serialOutput: String { guest.instance.serialOutput }

    /// Boots the image labelled 1 on `target`'s first machine, runs `body`, then stops QEMU,
    /// expecting the service to be still running.
    static func with(_ target: KernelTarget, commandLine: String = "", _ body: (HttpGuest) throws -> Void) throws {
        let guest = try ServiceGuest(target: target, machine: target.machines[0], accelerator: .tcg,
                                     image: try KernelImages.image(target, "http"), tcpPorts: [80], commandLine: commandLine,
                                     ready: "http: version 1 listening on TCP port 80")
        defer {
            let run = guest.stop()
            #expect(run.exit == .timedOut, "the http service ended: \(run.exit)\n\(run.serialOutput)")
        }
        try body(HttpGuest(guest: guest, target: target))
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Runs curl with `arguments`; its standard output (curl must succeed).
    func curl(_ arguments: [String]) throws -> String {
        let curl = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/curl"), ["--silent", "--show-error", "--max-time", "30"] + arguments,
                                        timeout: 40)
        #expect(curl.status == 0, "\(curl)")
        return curl.output
    }

    /// A new raw connection with a reader of responses.
    func connect(timeoutSeconds: Int = 30) throws -> HttpConnection {
        HttpConnection(try HostSocket.tcp(port: port, timeoutSeconds: timeoutSeconds))
    }
}

/// One response as read off the wire.
struct HttpReply {
    let status: Int
    /// Header fields, names lowercased, in order.
    let fields: [(name: String, value: String)]
    let body: [UInt8]

    func field(_ name: String) -> String? { fields.first { $0.name == name }?.value }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A raw client connection that reads responses framed by their Content-Length.
final class HttpConnection {
    let socket: HostSocket
    private var buffer: [UInt8] = []

    init(_ socket: HostSocket) { self.socket = socket }

    func send(_ text: String) throws { try socket.sendAll(Array(text.utf8)) }

    /// The next response; `head` says it answers a HEAD request (no body follows).
    func response(head: Bool = false) throws -> HttpReply {
        let separator = Array("\r\n\r\n".utf8)
        var end: Int?
        while true {
            if buffer.count >= 4 { end = (0...(buffer.count - 4)).first { Array(buffer[$0..<$0 + 4]) == separator } }
            if end != nil { break }
            let more = try socket.receive(upTo: 65536)
            guard !more.isEmpty else { throw SocketFailure("the connection closed after \(buffer.count) bytes of a response head") }
            buffer += more
        }
        let lines = String(decoding: buffer[..<end!], as: UTF8.self).components(separatedBy: "\r\n")
        buffer.removeFirst(end! + 4)
        let statusWords = lines[0].split(separator: " ")
        guard statusWords.count >= 2, statusWords[0] == "HTTP/1.1", let status = Int(statusWords[1]) else {
            throw SocketFailure("not a status line: \(lines[0])")
        }
        let fields = lines.dropFirst().map { line in
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            return (name: line[..<colon].lowercased(), value: line[colon...].dropFirst().trimmingCharacters(in: .whitespaces))
        }
        guard let length = fields.first(where: { $0.name == "content-length" }).flatMap({ Int($0.value) }) else {
            throw SocketFailure("no Content-Length in \(lines)")
        }
        let bodyLength = head ? 0 : length
        while buffer.count < bodyLength {
            let more = try socket.receive(upTo: 1 << 20)
            guard !more.isEmpty else { throw SocketFailure("the connection closed after \(buffer.count) of \(bodyLength) body bytes") }
            buffer += more
        }
        defer { buffer.removeFirst(bodyLength) }
        return HttpReply(status: status, fields: fields, body: Array(buffer[..<bodyLength]))
    }

    /// Whether the server closed the connection (nothing more arrives before the end of the stream).
    func isClosedByServer() throws -> Bool {
        buffer.isEmpty ? try socket.receive(upTo: 1).isEmpty : false
    }
}

/// What Services/http/Site.swift generates as /large.txt.
let largeText: [UInt8] = (0..<131_072).flatMap { line in Array(String(format: "large.txt line %08d ~~~~~~~\n", line).utf8) }

import Foundation
import Liu
import Testing

/// Malformed RESP sent to the kv service: each gets Redis's `-ERR Protocol error: …` and a
/// close, and neither the service nor a client connected meanwhile notices, on each target
/// under TCG. Needs no redis-tools: the requests are raw bytes.
@Suite("kv service: malformed input", .serialized)
struct KvBadInputTests {
    /// The bytes sent, and the error reply that must come back before the close.
    static let cases: [(name: String, bytes: [UInt8], reply: String)] = [
        ("a multibulk length that is not a number", Array("*abc\r\n".utf8), "invalid multibulk length"),
        ("more arguments than Redis accepts", Array("*2000000\r\n".utf8), "invalid multibulk length"),
        ("a bulk length that is not a number", Array("*1\r\n$x1\r\nab\r\n".utf8), "invalid bulk length"),
        ("a negative bulk length", Array("*1\r\n$-5\r\n".utf8), "invalid bulk length"),
        ("a declared 1 GiB bulk string", Array("*2\r\n$3\r\nSET\r\n$1073741824\r\n".utf8), "invalid bulk length"),
        ("an integer where a bulk string must be", Array("*2\r\n$3\r\nGET\r\n:1\r\n".utf8), "expected '$', got ':'"),
        ("a bulk string longer than declared", Array("*1\r\n$4\r\nPINGPONG\r\n".utf8), "bulk string not terminated by CRLF"),
        ("an inline line of 70,000 bytes without an end", [UInt8](repeating: UInt8(ascii: "a"), count: 70_000), "too big inline request"),
        ("a request larger than the receive buffer", Array("*100000\r\n".utf8) + (0..<60_000).flatMap { _ in Array("$1\r\na\r\n".utf8) },
         "request too large"),
    ]

    @Test("malformed requests get a protocol error and a close; other clients are unaffected", arguments: KernelTarget.allCases)
    func malformed(_ target: KernelTarget) throws {
        try KvTesting.with(target) { guest in
            let bystander = try guest.connect()
            #expect(try bystander.command("SET", "kept", "1") == .simple("OK"))
            // An array that never ends waits in its connection without blocking anyone.
            let unterminated = try guest.connect()
            try unterminated.send(Array("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n".utf8))
            for (name, bytes, reply) in Self.cases {
                let connection = try guest.connect()
                try connection.send(Array("PING\r\n".utf8) + bytes)
                let answer = String(decoding: try connection.readToEnd(), as: UTF8.self)
                #expect(answer == "+PONG\r\n-ERR Protocol error: \(reply)\r\n", "\(name)")
                #expect(try bystander.command("INCR", "kept") == .integer(2 + Int64(Self.cases.firstIndex { $0.name == name }!)), "after \(name)")
            }
            // Binary garbage with line ends: each line is an unknown inline command; the service reads on.
            let garbage = try guest.connect()
            var random = SystemRandomNumberGenerator()
            let noise = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }.filter { $0 != 34 && $0 != 39 && $0 != 42 }
            try garbage.send([UInt8(ascii: "x")] + noise + Array("\r\nPING\r\n".utf8))
            var last: RESPValue
            repeat { last = try garbage.reply() } while last.isError
            #expect(last == .simple("PONG"), "\(last)")
            try unterminated.send(Array("$1\r\ny\r\n".utf8))
            #expect(try unterminated.reply() == .simple("OK"))
            #expect(try bystander.command("GET", "x") == .bulk(Array("y".utf8)))
        }
    }
}

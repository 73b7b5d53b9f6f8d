import Foundation
import Liu
import Testing

/// The http service against real clients on every target under TCG: curl for what a browser
/// asks, raw sockets for pipelining and every refusal.
@Suite("HTTP service", .serialized)
struct HttpServiceTests {
    @Test("curl: GET and HEAD of the files, 404, 405 with Allow, /status JSON, several URLs on one connection",
          arguments: KernelTarget.allCases)
    func curlClient(_ target: KernelTarget) throws {
        try HttpGuest.with(target) { http in
            let index = try http.curl(["--include", http.url("/")])
            #expect(index.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(index)")
            #expect(index.contains("\r\nContent-Type: text/html; charset=utf-8\r\n") && index.contains("<h1>swift-liveupdate</h1>"), "\(index)")
            let head = try http.curl(["--head", http.url("/style.css")])
            #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n") && head.contains("\r\nContent-Length: 127\r\n") && head.hasSuffix("\r\n\r\n"), "\(head)")
            let icon = try http.curl(["--write-out", "%{http_code} %{content_type} %{size_download}", "--output", "/dev/null", http.url("/favicon.ico")])
            #expect(icon == "200 image/x-icon 110", "\(icon)")
            let missing = try http.curl(["--write-out", " %{http_code}", http.url("/missing.html")])
            #expect(missing == "404 Not Found: no such file on this server\n 404", "\(missing)")
            let post = try http.curl(["--include", "--data", "x=1", http.url("/")])
            #expect(post.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n") && post.contains("\r\nAllow: GET, HEAD\r\n"), "\(post)")

            let status = try JSONSerialization.jsonObject(with: Data(try http.curl([http.url("/status")]).utf8)) as? [String: Any]
            #expect(status?["service"] as? String == "http" && status?["version"] as? String == "1", "\(status ?? [:])")
            #expect(status?["updates"] as? Int == 0 && status?["lastDowntimeNanoseconds"] is NSNull, "\(status ?? [:])")
            #expect((status?["requests"] as? Int ?? 0) >= 5 && (status?["uptimeMilliseconds"] as? Int ?? 0) > 0, "\(status ?? [:])")

            // Four URLs, one connection: curl connects for the first only.
            let urls = ["/", "/style.css", "/status", "/favicon.ico"].map(http.url)
            let reuse = try http.curl(urls.flatMap { ["--output", "/dev/null", $0] } + ["--write-out", "%{num_connects} "])
            #expect(reuse == "1 0 0 0 ", "\(reuse)")
            let large = try http.curl(["--output", "-", http.url("/large.txt")])
            #expect(Array(large.utf8) == largeText, "large.txt differs (\(large.utf8.count) bytes)")
        }
    }

    @Test("raw sockets: pipelined requests are answered in order, HTTP/1.0 and Connection: close end the connection",
          arguments: KernelTarget.allCases)
    func pipelining(_ target: KernelTarget) throws {
        try HttpGuest.with(target) { http in
            let client = try http.connect()
            try client.send("GET /style.css HTTP/1.1\r\nHost: a\r\n\r\nHEAD / HTTP/1.1\r\nHost: a\r\n\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /status?x=1 HTTP/1.1\r\nhost: a\r\n\r\n")
            let css = try client.response()
            #expect(css.status == 200 && css.field("content-type") == "text/css; charset=utf-8" && css.text.hasPrefix("body {"))
            let head = try client.response(head: true)
            #expect(head.status == 200 && head.field("content-length") == "490", "\(head.fields)")
            #expect(try client.response().status == 404)
            let post = try client.response()
            #expect(post.status == 405 && post.field("allow") == "GET, HEAD" && post.field("connection") == nil, "\(post.fields)")
            let status = try client.response()
            #expect(status.status == 200 && status.text.contains("\"requests\":4"), "\(status.text)")

            try client.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            #expect(try client.response().field("connection") == "close")
            #expect(try client.isClosedByServer())

            let old = try http.connect()
            try old.send("GET /style.css HTTP/1.0\r\n\r\n")
            #expect(try old.response().status == 200)
            #expect(try old.isClosedByServer(), "HTTP/1.0 without keep-alive closes")
            let kept = try http.connect()
            try kept.send("GET /style.css HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try kept.response().field("connection") == "keep-alive")
            try kept.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try kept.response().status == 200)
        }
    }

    /// Each request on a connection of its own; the answer's status, then the connection closes.
    static let refusals: [(request: String, status: Int)] = [
        ("GET\r\n\r\n", 400), ("GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n", 400), ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("G@T / HTTP/1.1\r\nHost: a\r\n\r\n", 400), ("GET index.html HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.x\r\nHost: a\r\n\r\n", 400), ("GET / HTTX/1.1\r\nHost: a\r\n\r\n", 400), ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        ("GET / HTTP/1.1\r\n\r\n", 400), ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400), ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n  folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nNo colon\r\n\r\n", 400), ("GET / HTTP/1.1\rHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\u{01}b\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\nhello!", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400), ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12abc\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", 400), ("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 70000\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 413),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "a", count: 9000) + "\r\n\r\n", 431),
        ("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414),
    ]

    @Test("raw sockets: malformed requests get their error status and a close; the service goes on",
          arguments: KernelTarget.allCases)
    func refusals(_ target: KernelTarget) throws {
        try HttpGuest.with(target) { http in
            let bystander = try http.connect()
            for (request, status) in Self.refusals {
                let client = try http.connect()
                try client.send(request)
                let reply = try client.response()
                let shown = request.prefix(80).debugDescription
                #expect(reply.status == status, "\(shown): \(reply.status) \(reply.text)")
                #expect(reply.field("connection") == "close" && reply.field("content-type") == "text/plain; charset=utf-8", "\(shown)")
                #expect(reply.text.hasPrefix("\(status) "), "\(shown): \(reply.text)")
                #expect(try client.isClosedByServer(), "\(shown) leaves the connection open")
            }
            try bystander.send("GET /style.css HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try bystander.response().status == 200, "another client is unaffected")
        }
    }

    @Test("a client that sends a header byte every 300 ms gets 408 at the head deadline and is closed; an idle one is closed at the idle deadline",
          arguments: KernelTarget.allCases)
    func slowClient(_ target: KernelTarget) throws {
        try HttpGuest.with(target, commandLine: "http.head-timeout-ms=2000 http.idle-timeout-ms=4000") { http in
            let idle = try http.connect()
            let slow = try http.connect()
            let started = Date()
            var answer: HttpReply?
            for byte in "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: " + String(repeating: "z", count: 40) {
                guard (try? slow.send(String(byte))) != nil else { break }
                Thread.sleep(forTimeInterval: 0.3)
                // The answer comes while the client is still sending.
                if Date().timeIntervalSince(started) > 1.5, let ready = try? pollResponse(slow) { answer = ready; break }
            }
            let seconds = Date().timeIntervalSince(started)
            #expect(answer?.status == 408 && answer?.field("connection") == "close", "\(String(describing: answer))")
            #expect(seconds >= 1.9 && seconds < 6, "answered after \(seconds) s; the deadline is 2 s")
            #expect(try slow.isClosedByServer())
            #expect(try idle.isClosedByServer(), "an idle connection is closed without a response")
            let idleSeconds = Date().timeIntervalSince(started)
            #expect(idleSeconds >= 3.9 && idleSeconds < 8, "closed after \(idleSeconds) s; the idle deadline is 4 s")
            let other = try http.connect()
            try other.send("GET /style.css HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try other.response().status == 200)
        }
    }

    /// A response, if one has begun to arrive within 100 ms.
    private func pollResponse(_ connection: HttpConnection) throws -> HttpReply? {
        var poll = pollfd(fd: connection.socket.descriptor, events: Int16(POLLIN), revents: 0)
        guard Glibc.poll(&poll, 1, 100) > 0 else { return nil }
        return try connection.response()
    }
}

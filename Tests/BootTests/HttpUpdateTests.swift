import Foundation
import Liu
import Testing

/// The http service live-updated while clients hold connections: a half-received request and a
/// half-sent response cross the update, and wrk's keep-alive load runs through updates
/// alternating two builds, on every target under TCG.
@Suite("HTTP service through live updates", .serialized)
struct HttpUpdateTests {
    @Test("a keep-alive connection with a half-sent request and one with a response half-sent from four pipelined 4 MiB ones survive an update",
          arguments: KernelTarget.allCases)
    func halfwayThroughAnUpdate(_ target: KernelTarget) throws {
        try HttpGuest.with(target) { http in
            let keptAlive = try http.connect()
            try keptAlive.send("GET /style.css HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try keptAlive.response().status == 200)
            try keptAlive.send("GET /status HTTP/1.1\r\nHo")

            // Four 4 MiB responses asked at once and not read yet: QEMU's user networking and the
            // host's socket buffers take a few MiB, the rest waits in the guest: a response half
            // in the service's hands, the requests after it unread in the connection.
            let reader = try http.connect(timeoutSeconds: 60)
            try reader.send(String(repeating: "GET /large.txt HTTP/1.1\r\nHost: a\r\n\r\n", count: 4))
            Thread.sleep(forTimeInterval: 3)

            let answer = try http.guest.push(try KernelImages.bundle(target, "http", label: "2"))
            #expect(answer.confirmedLabel == "2", "\(answer)\n\(http.serialOutput)")
            #expect(http.guest.instance.waitForOutput("bytes of responses unsent", timeout: 30), "\(http.serialOutput)")
            // "http: version 2 listening on TCP port 80, restored 2 sessions with N bytes of responses unsent"
            let restored = http.serialOutput.split(whereSeparator: \.isNewline).first { $0.contains("bytes of responses unsent") } ?? ""
            let words = restored.split(separator: " ")
            let unsent = words.firstIndex(of: "with").flatMap { Int(words[$0 + 1]) } ?? 0
            #expect(restored.contains("version 2 listening on TCP port 80, restored 2 sessions") && unsent > 0,
                    "a response should be half-sent at the update: \(restored)")

            try keptAlive.send("st: a\r\n\r\n")
            let status = try keptAlive.response()
            #expect(status.status == 200 && status.text.contains("\"version\":\"2\"") && status.text.contains("\"updates\":1"), "\(status.text)")
            #expect(status.text.contains("\"lastDowntimeNanoseconds\":{\"total\":"), "\(status.text)")
            for index in 1...4 {
                let large = try reader.response()
                #expect(large.status == 200 && large.body == largeText, "response \(index): \(large.body.count) bytes, not large.txt")
            }
            try reader.send("GET /style.css HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try reader.response().status == 200, "the connection stays usable")
        }
    }

    /// The issue's 100 updates per target: each takes well under a second under TCG with wrk's
    /// load, so the three targets add about a minute and a half.
    static let updates = 100

    @Test("wrk -c 64 over keep-alive through 100 updates alternating two builds: no failed request, no socket error",
          .enabled(if: getuid() == 0, "needs root: wrk reaches the guest through a tap device in a network namespace"),
          arguments: KernelTarget.allCases)
    func wrkThroughUpdates(_ target: KernelTarget) throws {
        let images = [try KernelImages.image(target, "http"), try KernelImages.image(target, "http", label: "2")]
        let outcome = try HttpLoad.run(target: target, machine: target.machines[0], accelerator: .tcg, images: images, updates: Self.updates)
        let confirmed = outcome.answers.filter { $0.confirmedLabel != nil }.count
        #expect(confirmed == Self.updates, "\(outcome.answers.last.map { "\($0)" } ?? "no update")\n\(outcome.serialOutput.suffix(3000))")
        #expect(outcome.answers.enumerated().allSatisfy { $0.element.confirmedLabel == ($0.offset % 2 == 0 ? "2" : "1") })
        #expect(outcome.wrk.finished && outcome.wrk.requests > 1000, "\(outcome.wrk.text)")
        #expect(outcome.wrk.non2xx == 0 && outcome.wrk.totalSocketErrors == 0, "\(outcome.wrk.text)")
        print("wrk through \(confirmed) updates \(target.rawValue) TCG in \(String(format: "%.0f", outcome.seconds)) s: \(outcome.wrk.summary)")
    }
}

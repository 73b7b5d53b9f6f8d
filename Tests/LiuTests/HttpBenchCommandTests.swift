import Foundation
@testable import Liu
import Testing

/// `liu bench http`'s command line, and how wrk's report is read back.
@Suite("liu bench http")
struct HttpBenchCommandTests {
    @Test func defaultsAndOptions() throws {
        #expect(try LiuCommand.parse(["bench", "http"])
                == .benchHttp(targets: KernelTarget.allCases, accelerator: nil, seconds: 10, updates: 20, connections: 64))
        #expect(try LiuCommand.parse(["bench", "http", "--target", "aarch64", "--tcg", "--seconds", "5", "--updates", "1000",
                                      "--connections", "16"])
                == .benchHttp(targets: [.aarch64], accelerator: .tcg, seconds: 5, updates: 1000, connections: 16))
    }

    @Test(arguments: [
        (["bench", "http", "--updates", "0"], "--updates takes a positive whole number, not '0'"),
        (["bench", "http", "--seconds", "x"], "--seconds takes a positive whole number, not 'x'"),
        (["bench", "http", "--target", "vax"], "unknown target 'vax'"),
    ])
    func rejects(_ arguments: [String], _ message: String) {
        #expect {
            try LiuCommand.parse(arguments)
        } throws: { error in
            String(describing: error).contains(message)
        }
    }

    @Test func wrkReportWithErrors() {
        let report = WrkReport("""
            Running 10s test @ http://10.77.0.2/
              2 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     8.23ms   73.84ms   1.67s    98.74%
                Req/Sec     4.71k     1.65k   11.87k    74.00%
              Latency Distribution
                 50%  850.00us
                 75%    2.86ms
                 90%    4.07ms
                 99%  117.45ms
              93868 requests in 10.01s, 53.35MB read
              Socket errors: connect 0, read 2, write 0, timeout 4
              Non-2xx or 3xx responses: 7
            Requests/sec:   9373.85
            Transfer/sec:      5.33MB
            """)
        #expect(report.finished)
        #expect(report.requests == 93868 && report.requestsPerSecond == 9373.85)
        #expect(report.p50 == 0.85 && report.p99 == 117.45 && report.max == 1670)
        #expect(report.socketErrors == ["connect": 0, "read": 2, "write": 0, "timeout": 4] && report.totalSocketErrors == 6)
        #expect(report.non2xx == 7)
        #expect(report.summary == "93868 requests, 9373.9 requests/s, latency p50 0.85 ms, p99 117.45 ms, max 1670.00 ms, "
                + "7 non-2xx, socket errors connect 0, read 2, write 0, timeout 4")
    }

    @Test func wrkReportThatNeverFinished() {
        let report = WrkReport("unable to connect to 10.77.0.2:80 Connection refused\n")
        #expect(!report.finished && report.requests == 0 && report.totalSocketErrors == 0)
    }
}

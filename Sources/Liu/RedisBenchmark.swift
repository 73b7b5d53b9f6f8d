import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Debian's `redis-benchmark` (redis-tools) run against a kv guest, with its CSV results:
/// requests per second and latency percentiles per test, and whether any request failed.
public final class RedisBenchmark: @unchecked Sendable {
    /// The tests of issue 15's runs.
    public static let issueTests = "ping,set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,lrange_100,mset"

    /// One test's line of `--csv` output.
    public struct Row: Sendable {
        public var test: String
        public var requestsPerSecond: Double
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double
        public var maxMilliseconds: Double
    }

    public static var isInstalled: Bool { (try? Shell.locate("redis-benchmark")) != nil }
    /// redis-cli, from the same package, for the tests' sessions.
    public static var redisCLI: URL? { (try? Shell.locate("redis-cli")).map { URL(fileURLWithPath: $0) } }

    private let process = Process()
    private let arguments: [String]
    private let files: [URL]

    /// Starts `redis-benchmark -h HOST -p PORT -t TESTS -c CLIENTS -P PIPELINE --csv` with `-n
    /// REQUESTS`, or with `-l` (loop until stopped) when `requests` is nil; after
    /// `launchPrefix` (`KvGuest.launchPrefix`: where the guest can be reached).
    public init(host: String = "127.0.0.1", port: UInt16, launchPrefix: [String] = [], tests: String = issueTests,
                clients: Int = 50, pipeline: Int = 16, requests: Int?, randomKeys: Int? = nil) throws {
        files = ["out", "err"].map { FileManager.default.temporaryDirectory.appendingPathComponent("redis-benchmark-\(UUID().uuidString).\($0)") }
        for file in files { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        var arguments = ["-h", host, "-p", "\(port)", "-t", tests, "-c", "\(clients)", "-P", "\(pipeline)", "--csv"]
        arguments += requests.map { ["-n", "\($0)"] } ?? ["-l"]
        if let randomKeys { arguments += ["-r", "\(randomKeys)"] }
        self.arguments = arguments
        let command = launchPrefix + [try Shell.locate("redis-benchmark")] + arguments
        process.executableURL = URL(fileURLWithPath: try Shell.locate(command[0]))
        process.arguments = Array(command.dropFirst())
        process.standardOutput = try FileHandle(forWritingTo: files[0])
        process.standardError = try FileHandle(forWritingTo: files[1])
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        stop()
        for file in files { try? FileManager.default.removeItem(at: file) }
    }

    /// Load that lasts until stopped: SET, GET and INCR at once, each in its own
    /// redis-benchmark of 16 clients with a count it never reaches. (With -l, one test after
    /// another, each test's new connections would leave gaps in the load.)
    public static func continuousLoad(on guest: KvGuest) throws -> [RedisBenchmark] {
        try ["set", "get", "incr"].map {
            try RedisBenchmark(host: guest.host, port: guest.hostPort, launchPrefix: guest.launchPrefix, tests: $0, clients: 16,
                               requests: 1_000_000_000)
        }
    }

    public var commandLine: String { "redis-benchmark " + arguments.joined(separator: " ") }
    public var isRunning: Bool { process.isRunning }
    public var output: String { (try? String(contentsOf: files[0], encoding: .utf8)) ?? "" }
    public var errors: String { (try? String(contentsOf: files[1], encoding: .utf8)) ?? "" }

    /// The exit status, or nil if it still runs after `timeout` seconds.
    public func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Kills it: SIGKILL, since a test runner's threads may start it with SIGTERM blocked.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The lines that tell of a failed request: redis-benchmark prints an error reply or a
    /// lost connection (`Error from server: …`, `Error: Connection reset by peer`) and stops.
    public var failures: [String] {
        (output + errors).split(whereSeparator: \.isNewline).map(String.init).filter { $0.lowercased().contains("error") }
    }

    /// The CSV rows printed so far (with `-l`, one per test per loop).
    public var rows: [Row] { Self.parseCSV(output) }

    /// `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"`.
    static func parseCSV(_ text: String) -> [Row] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            guard fields.count == 8, let rps = Double(fields[1]), let p50 = Double(fields[4]), let p99 = Double(fields[6]),
                  let max = Double(fields[7]) else { return nil }
            return Row(test: fields[0], requestsPerSecond: rps, p50Milliseconds: p50, p99Milliseconds: p99, maxMilliseconds: max)
        }
    }
}

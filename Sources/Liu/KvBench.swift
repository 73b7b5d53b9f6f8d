import Foundation

/// `liu bench kv`: the kv service (`Services/kv`) under Debian's redis-benchmark: requests per
/// second and p50/p99/max latency without updates and while updates alternate between two
/// labelled builds; the downtime of an update by the size of the keyspace; and with
/// `--updates N`, a soak of N updates under continuous load that reports failed requests.
enum KvBench {
    struct Options {
        var targets: [KernelTarget]
        var accelerator: Accelerator
        var requests: Int
        var keyCounts: [Int]
        var soakUpdates: Int
    }

    /// The guest the keyspace sizes need: 1,000,000 keys or 64 MiB of values, with their saved
    /// copy in the storage area.
    static let memoryMiB = 1536
    static let commandLine = "kv.maxmemory=0 liu.storage=\(384 << 20)"
    /// Updates pushed back to back while the loaded run goes on, at most.
    static let updatesDuringRun = 100
    /// The last keyspace measured: 64 MiB of values in 1024 keys.
    static let largeValues = (keys: 1024, bytes: 64 * 1024)

    static func run(_ options: Options) throws -> Int32 {
        guard RedisBenchmark.isInstalled else {
            print("liu bench kv: redis-benchmark is not installed (scripts/setup.sh installs redis-tools)")
            return 1
        }
        let builder = KernelBuild(packageRoot: try KernelBuild.locatePackageRoot())
        var failures: Int32 = 0
        for target in options.targets {
            let image = try builder.build(builtIn: "kv", for: target)
            let bundles = try [builder.build(builtIn: "kv", for: target, label: "2"), image].map {
                [UInt8](try Data(contentsOf: KernelBuild.bundlePath(forImage: $0)))
            }
            let label = "\(target.rawValue) \(target.machines[0].rawValue) \(options.accelerator.rawValue)"
            do {
                let guest = try KvGuest(target: target, machine: target.machines[0], accelerator: options.accelerator, image: image,
                                        commandLine: commandLine, memoryMiB: memoryMiB)
                defer { _ = guest.stop() }
                try throughput(label, guest, bundles: bundles, requests: options.requests)
                try downtimes(label, guest, bundles: bundles, keyCounts: options.keyCounts)
                if options.soakUpdates > 0 { try soak(label, guest, bundles: bundles, updates: options.soakUpdates) }
            } catch {
                print("\(label): failed: \(error)")
                failures += 1
            }
        }
        return failures == 0 ? 0 : 1
    }

    /// One redis-benchmark run without updates, then one with updates pushed back to back
    /// (up to `updatesDuringRun`).
    private static func throughput(_ label: String, _ guest: KvGuest, bundles: [[UInt8]], requests: Int) throws {
        let quiet = try RedisBenchmark(host: guest.host, port: guest.hostPort, launchPrefix: guest.launchPrefix, requests: requests)
        try finish(quiet, label: "\(label): without updates")
        let loaded = try RedisBenchmark(host: guest.host, port: guest.hostPort, launchPrefix: guest.launchPrefix, requests: requests)
        var updates = 0
        while loaded.isRunning && updates < updatesDuringRun {
            try expectConfirmed(try guest.push(bundles[updates % 2]), update: updates + 1)
            updates += 1
        }
        try finish(loaded, label: "\(label): with \(updates) updates during the run")
    }

    private static func finish(_ benchmark: RedisBenchmark, label: String) throws {
        let status = benchmark.wait(timeout: 300)
        print("\(label) (\(benchmark.commandLine)):")
        for row in benchmark.rows {
            print("  " + row.test.padding(toLength: 36, withPad: " ", startingAt: 0)
                + String(format: "%10.0f requests/s  p50 %8.3f ms  p99 %8.3f ms  max %8.3f ms",
                         row.requestsPerSecond, row.p50Milliseconds, row.p99Milliseconds, row.maxMilliseconds))
        }
        fflush(nil)   // each result as it comes, also into a file
        guard status == 0, benchmark.failures.isEmpty else {
            throw Push.Failure("redis-benchmark failed (exit \(status.map(String.init) ?? "none")): \(benchmark.failures.joined(separator: "; "))")
        }
    }

    /// Grows the keyspace to each count (16-byte values), then replaces it with 64 MiB of
    /// values, pushing an update at each size and checking the keys after it.
    private static func downtimes(_ label: String, _ guest: KvGuest, bundles: [[UInt8]], keyCounts: [Int]) throws {
        let connection = try guest.connect()
        _ = try connection.command("FLUSHALL")
        var sizes = keyCounts.map { (keys: $0, bytes: 16) }
        sizes.append(largeValues)
        var loaded = 0
        for (index, size) in sizes.enumerated() {
            if size.bytes != 16 || size.keys < loaded {
                _ = try connection.command("FLUSHALL")
                loaded = 0
            }
            try guest.load(keys: size.keys, valueBytes: size.bytes)
            loaded = size.keys
            let answer = try guest.push(bundles[index % 2])
            try expectConfirmed(answer, update: index + 1)
            if let mismatch = try guest.firstMismatch(keys: size.keys, valueBytes: size.bytes) {
                throw Push.Failure("after the update with \(size.keys) keys: \(mismatch)")
            }
            guard case .confirmed(_, let summary) = answer, let downtime = DowntimeSummary(summary) else { continue }
            let phases = downtime.phases.map { "\($0.name) \(String(format: "%.3f", Double($0.nanoseconds) / 1e6))" }
            print("\(label): \(size.keys) keys of \(size.bytes) bytes: downtime " + phases.joined(separator: " ms, ") + " ms")
            fflush(nil)
        }
        _ = try connection.command("FLUSHALL")
    }

    /// `updates` updates under continuous load; a failed request stops a redis-benchmark, so
    /// each must still run at the end.
    private static func soak(_ label: String, _ guest: KvGuest, bundles: [[UInt8]], updates: Int) throws {
        let before = try guest.commandsProcessed()
        let load = try RedisBenchmark.continuousLoad(on: guest)
        let started = Date()
        var (pushed, failedUpdates) = (0, 0)
        for update in 0..<updates where load.allSatisfy(\.isRunning) {
            if case .confirmed = try guest.push(bundles[update % 2]) {} else { failedUpdates += 1 }
            pushed += 1
        }
        let survived = load.allSatisfy(\.isRunning)
        for benchmark in load { benchmark.stop() }
        let failures = load.flatMap(\.failures)
        let served = try guest.commandsProcessed() - before
        print("\(label): soak of \(updates) updates in \(String(format: "%.1f", Date().timeIntervalSince(started))) s under "
            + load.map(\.commandLine).joined(separator: " & ") + ": \(pushed) updates pushed, \(failedUpdates) failed, "
            + "\(served) commands served, " + (survived && failures.isEmpty ? "0 failed requests" : "failed requests: \(failures.joined(separator: "; "))"))
        guard survived, failures.isEmpty, failedUpdates == 0 else { throw Push.Failure("the soak had failures") }
    }

    private static func expectConfirmed(_ answer: Push.Answer, update: Int) throws {
        guard case .confirmed = answer else { throw Push.Failure("update \(update): \(Push.describe(answer))") }
    }
}

import Foundation
import Liu
import Testing

/// The kv service live-updated while Debian's redis-benchmark drives it, and with its state in
/// every form (keys of each type with deadlines, a reply too large for the send buffer, a
/// request cut in two), on each target under TCG.
@Suite("kv service: live updates under load", .serialized, .disabled(if: KvTesting.missingTools != nil, Comment(rawValue: KvTesting.missingTools ?? "")))
struct KvUpdateTests {
    /// Consecutive updates per target under load, as issue 15 asks (`KV_UPDATES` to change).
    static let consecutiveUpdates = ProcessInfo.processInfo.environment["KV_UPDATES"].flatMap(Int.init) ?? 100

    @Test("redis-benchmark across an update: no failed request, every key written before reads back", arguments: KernelTarget.allCases)
    func benchmarkAcrossUpdate(_ target: KernelTarget) throws {
        try KvTesting.with(target) { guest in
            try guest.load(keys: 2000, valueBytes: 40, prefix: "before:")
            let connection = try guest.connect()
            for command in [["RPUSH", "list", "a", "b", "c"], ["HSET", "hash", "f", "v"], ["SADD", "set", "m", "n"], ["SET", "ttl", "v", "EX", "1000"]] {
                _ = try connection.pipeline([RESPConnection.encode(command)])
            }
            // About a fifth of the 15 tests' 150,000 requests before the update (redis-benchmark's
            // results reach its output file only when it ends: the service counts them).
            let before = try guest.commandsProcessed()
            let benchmark = try RedisBenchmark(host: guest.host, port: guest.hostPort, launchPrefix: guest.launchPrefix, requests: 10_000)
            let started = Date()
            while try guest.commandsProcessed() - before < 30_000 && benchmark.isRunning && Date().timeIntervalSince(started) < 120 {
                usleep(100_000)
            }
            #expect(benchmark.isRunning, "redis-benchmark ended before the update")
            #expect(try guest.push(KernelImages.bundle(target, "kv", label: "2")).confirmedLabel == "2", "\(guest.guest.instance.serialOutput)")
            let status = benchmark.wait(timeout: 600)
            #expect(status == 0, "\(benchmark.commandLine): \(String(describing: status))\n\(benchmark.output)\(benchmark.errors)")
            #expect(benchmark.failures.isEmpty, "\(benchmark.failures)")
            #expect(benchmark.rows.count == 15, "every test reported (PING twice, and LRANGE's LPUSH):\n\(benchmark.output)")
            #expect(try guest.firstMismatch(keys: 2000, valueBytes: 40, prefix: "before:") == nil)
            try KvTesting.expect(guest, [("LRANGE list 0 -1", "1) \"a\"\n2) \"b\"\n3) \"c\""), ("HGET hash f", "\"v\""), ("SCARD set", "(integer) 2")])
            let ttl = Int(try KvTesting.cli(guest, ["TTL", "ttl"]).dropFirst("(integer) ".count)) ?? 0
            #expect((900...1000).contains(ttl), "the deadline survives the update: TTL \(ttl)")
            let info = try KvTesting.cli(guest, ["INFO", "liveupdate"])
            #expect(info.contains("version:2") && info.contains("updates:1"), "\(info)")
        }
    }

    @Test("consecutive updates alternating two builds under continuous redis-benchmark load", arguments: KernelTarget.allCases)
    func consecutiveUpdates(_ target: KernelTarget) throws {
        let bundles = [try KernelImages.bundle(target, "kv", label: "2"), try KernelImages.bundle(target, "kv")]
        try KvTesting.with(target) { guest in
            let before = try guest.commandsProcessed()
            let load = try RedisBenchmark.continuousLoad(on: guest)
            let started = Date()
            for round in 0..<Self.consecutiveUpdates {
                let answer = try guest.push(bundles[round % 2])
                #expect(answer.confirmedLabel == (round % 2 == 0 ? "2" : "1"), "update \(round + 1): \(answer)\n\(guest.guest.instance.serialOutput.suffix(2000))")
                guard answer.confirmedLabel != nil, load.allSatisfy(\.isRunning) else { break }
            }
            for benchmark in load {
                #expect(benchmark.isRunning, "\(benchmark.commandLine) stopped (it stops at a failed request):\n\(benchmark.output.suffix(2000))\(benchmark.errors)")
                benchmark.stop()
                #expect(benchmark.failures.isEmpty, "\(benchmark.failures)")
            }
            let seconds = Date().timeIntervalSince(started)
            // The load went on through the updates: at least 2,000 commands a second.
            let served = try guest.commandsProcessed() - before
            #expect(Double(served) > 2000 * seconds, "only \(served) commands in \(seconds) s")
            print("kv \(target.rawValue): \(Self.consecutiveUpdates) updates under load in \(String(format: "%.1f", seconds)) s, "
                + "\(served) commands served meanwhile")
            let info = try KvTesting.cli(guest, ["INFO", "liveupdate"])
            #expect(info.contains("updates:\(Self.consecutiveUpdates)"), "\(info)")
        }
    }

    @Test("10,000 keys across an update, with the downtime", arguments: KernelTarget.allCases)
    func keyScale(_ target: KernelTarget) throws {
        try KvTesting.with(target) { guest in
            try guest.load(keys: 10_000, valueBytes: 100)
            let answer = try guest.push(KernelImages.bundle(target, "kv", label: "2"))
            #expect(answer.confirmedLabel == "2", "\(answer)")
            if case .confirmed(_, let downtime) = answer { print("kv \(target.rawValue): 10,000 keys of 100 bytes, \(downtime)") }
            try KvTesting.expect(guest, [("DBSIZE", "(integer) 10000")])
            #expect(try guest.firstMismatch(keys: 10_000, valueBytes: 100) == nil)
        }
    }

    @Test("a reply larger than the send buffer and a request cut in two are kept across an update", arguments: KernelTarget.allCases)
    func unsentRepliesAndPartialRequests(_ target: KernelTarget) throws {
        try KvTesting.with(target) { guest in
            let value = [UInt8]((0..<200_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
            let writer = try guest.connect()
            #expect(try writer.pipeline([RESPConnection.encode([Array("SET".utf8), Array("big".utf8), value])]) == [.simple("OK")])
            // 40 replies of 200 KB that nobody reads yet: most wait in the service and the connection.
            let reader = try guest.connect()
            try reader.send((0..<40).flatMap { _ in RESPConnection.encode(["GET", "big"]) })
            let cut = try guest.connect()
            let request = RESPConnection.encode(["SET", "cut", "whole"])
            try cut.send(Array(request.prefix(12)))
            Thread.sleep(forTimeInterval: 1)
            #expect(try guest.push(KernelImages.bundle(target, "kv", label: "2")).confirmedLabel == "2")
            try cut.send(Array(request.dropFirst(12)))
            #expect(try cut.reply() == .simple("OK"))
            for index in 0..<40 {
                let reply = try reader.reply()
                #expect(reply == .bulk(value), "reply \(index)")
                if reply != .bulk(value) { break }
            }
            #expect(try cut.command("GET", "cut") == .bulk(Array("whole".utf8)))
        }
    }

    @Test("an update whose state does not fit the storage area is abandoned; the service goes on with its keys", arguments: [KernelTarget.x86_64])
    func stateTooLarge(_ target: KernelTarget) throws {
        try KvTesting.with(target, commandLine: "liu.storage=1048576") { guest in
            try guest.load(keys: 20_000, valueBytes: 100)
            let answer = try guest.push(KernelImages.bundle(target, "kv", label: "2"))
            guard case .abandoned(let reason) = answer else {
                Issue.record("\(answer)")
                return
            }
            #expect(reason.hasPrefix("saving the state failed: an entry of 1 MiB does not fit"), "\(reason)")
            #expect(try guest.firstMismatch(keys: 20_000, valueBytes: 100) == nil)
            try KvTesting.expect(guest, [("DBSIZE", "(integer) 20000")])
            let info = try KvTesting.cli(guest, ["INFO", "liveupdate"])
            #expect(info.contains("version:1") && info.contains("updates:0"), "\(info)")
        }
    }
}

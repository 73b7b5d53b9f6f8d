import LiveUpdate
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Monotonic nanoseconds for the benchmark's injected clock.
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

@Suite("Storage benchmark")
struct StorageBenchmarkTests {
    @Test("reports every figure at a reduced size (not timed)")
    func reportsEveryFigure() {
        var lines: [String] = []
        let sizes = StorageBenchmark.Sizes(checksumBytes: 64 << 10, intCount: 1000, bufferBytes: 64 << 10, repetitions: 1)
        StorageBenchmark.run(sizes: sizes, now: monotonicNanoseconds) { lines.append($0) }
        let prefixes = [
            "crc32c software: ", "crc32c hardware: ", "store 1000 ints: ", "restore 1000 ints: ",
            "store 65536-byte buffer: ", "restore 65536-byte buffer: ",
        ]
        #expect(lines.count == prefixes.count)
        for (line, prefix) in zip(lines, prefixes) {
            #expect(line.hasPrefix(prefix), "\(line)")
            #expect(!line.contains("failed"), "\(line)")
        }
    }

    /// Full-size figures; prints them. Run with
    /// `LIU_BENCH=1 swift test -c release --filter StorageBenchmarkTests`.
    @Test("full-size figures", .enabled(if: Environment.benchmarkRequested))
    func fullSize() {
        StorageBenchmark.run(now: monotonicNanoseconds) { print("[storage bench] \($0)") }
    }
}

enum Environment {
    static var benchmarkRequested: Bool { getenv("LIU_BENCH") != nil }
}

/// Throughput and latency figures for CRC32C and the storage format. The clock and the output
/// are injected so that the kernel can run the same code inside QEMU as the host tool.
public enum StorageBenchmark {
    public struct Sizes: Sendable {
        public var checksumBytes: Int
        public var intCount: Int
        public var bufferBytes: Int
        /// Each figure is the best of this many runs.
        public var repetitions: Int

        public init(checksumBytes: Int, intCount: Int, bufferBytes: Int, repetitions: Int) {
            self.checksumBytes = checksumBytes
            self.intCount = intCount
            self.bufferBytes = bufferBytes
            self.repetitions = repetitions
        }

        public static let standard = Sizes(
            checksumBytes: 10 << 20, intCount: 100_000, bufferBytes: 10 << 20, repetitions: 5)
    }

    /// Runs every measurement and reports one line per figure.
    /// `now` returns monotonic nanoseconds.
    public static func run(
        sizes: Sizes = .standard, now: () -> UInt64, report: (String) -> Void
    ) {
        let areaSize = max(sizes.intCount * 8, sizes.bufferBytes) + 4096
        let area = UnsafeMutableRawPointer.allocate(byteCount: areaSize, alignment: 4096)
        let data = UnsafeMutableRawPointer.allocate(
            byteCount: max(sizes.checksumBytes, sizes.bufferBytes), alignment: 64)
        defer {
            area.deallocate()
            data.deallocate()
        }
        fillPattern(data, count: max(sizes.checksumBytes, sizes.bufferBytes))
        withoutActuallyEscaping(now) { now in
            let timer = Timer(now: now, repetitions: sizes.repetitions)
            measureAll(sizes, timer: timer, area: area, areaSize: areaSize, data: data, report: report)
        }
    }

    private static func measureAll(
        _ sizes: Sizes, timer: Timer, area: UnsafeMutableRawPointer, areaSize: Int,
        data: UnsafeMutableRawPointer, report: (String) -> Void
    ) {
        let checksummed = UnsafeRawBufferPointer(start: data, count: sizes.checksumBytes)
        let software = timer.best { _ = CRC32C.checksum(checksummed, engine: .software) }
        report(throughput("crc32c software", bytes: sizes.checksumBytes, nanoseconds: software))
        if CRC32C.bestEngine == .hardware {
            let hardware = timer.best { _ = CRC32C.checksum(checksummed, engine: .hardware) }
            report(throughput("crc32c hardware", bytes: sizes.checksumBytes, nanoseconds: hardware))
        } else {
            report(CRC32C.hasHardwareSupport ? "crc32c hardware: not allowed (crc32c=software)" : "crc32c hardware: unavailable")
        }

        let ints = measure(timer, area: area, areaSize: areaSize) { storage throws(StorageError) in
            for index in 0..<sizes.intCount { try storage.add(id: UInt16(truncatingIfNeeded: index), index) }
        } restore: { restore throws(StorageError) in
            while !restore.isEnd {
                _ = try restore.asInt()
                try restore.next()
            }
        }
        if let ints {
            report("store \(sizes.intCount) ints: \(ints.store / 1000) us (\(ints.bytes) bytes)")
            report("restore \(sizes.intCount) ints: \(ints.restore / 1000) us")
        } else {
            report("store/restore \(sizes.intCount) ints: failed")
        }

        let buffer = UnsafeRawBufferPointer(start: data, count: sizes.bufferBytes)
        let blob = measure(timer, area: area, areaSize: areaSize) { storage throws(StorageError) in
            try storage.add(id: 1, bytes: buffer)
        } restore: { restore throws(StorageError) in
            _ = try restore.withBytes { $0.count }
        }
        if let blob {
            report("store \(sizes.bufferBytes)-byte buffer: \(blob.store / 1000) us")
            report("restore \(sizes.bufferBytes)-byte buffer: \(blob.restore / 1000) us")
        } else {
            report("store/restore \(sizes.bufferBytes)-byte buffer: failed")
        }
    }

    private struct Timer {
        let now: () -> UInt64
        let repetitions: Int

        /// The shortest of `repetitions` runs of `body` in nanoseconds, each after an untimed
        /// `setUp`.
        func best(setUp: () -> Void = {}, _ body: () -> Void) -> UInt64 {
            var best = UInt64.max
            for _ in 0..<max(repetitions, 1) {
                setUp()
                let start = now()
                body()
                best = min(best, now() - start)
            }
            return best
        }
    }

    /// Best store and restore (validation, reading, zeroing) times in nanoseconds;
    /// `nil` if any store or restore failed.
    private static func measure(
        _ timer: Timer, area: UnsafeMutableRawPointer, areaSize: Int,
        store save: (inout Storage) throws(StorageError) -> Void,
        restore: (inout Restore) throws(StorageError) -> Void
    ) -> (store: UInt64, restore: UInt64, bytes: Int)? {
        var bytes = 0
        var failed = false
        let store = {
            if let stored = try? LiveUpdate.store(at: area, limit: areaSize, save) {
                bytes = stored
            } else {
                failed = true
            }
        }
        let storeTime = timer.best(store)
        let restoreTime = timer.best(setUp: store) {
            if (try? LiveUpdate.resume(at: area, limit: areaSize, restore)) == nil { failed = true }
        }
        return failed ? nil : (storeTime, restoreTime, bytes)
    }

    /// "name: N MB/s (B bytes in T us)", in integers only (no float formatting when Embedded).
    private static func throughput(_ name: String, bytes: Int, nanoseconds: UInt64) -> String {
        let megabytesPerSecond = UInt64(bytes) * 1000 / max(nanoseconds, 1)
        return "\(name): \(megabytesPerSecond) MB/s (\(bytes) bytes in \(nanoseconds / 1000) us)"
    }

    private static func fillPattern(_ data: UnsafeMutableRawPointer, count: Int) {
        var state: UInt32 = 0x1234_5678
        for index in 0..<count {
            state = state &* 1_664_525 &+ 1_013_904_223
            data.storeBytes(of: UInt8(truncatingIfNeeded: state >> 24), toByteOffset: index, as: UInt8.self)
        }
    }
}

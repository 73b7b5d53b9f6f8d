import LiveUpdate

/// The pace an upload must keep, so that a client that stalls or crawls cannot hold the update
/// slot for long: some byte at least every `liu.upload-idle-ms=` milliseconds (default 10,000)
/// and, over each window of that length, at least `liu.upload-min-rate=` bytes per second
/// (default 4096: a 256 KiB bundle within 64 s). A slower upload is dropped and its memory freed.
final class UploadPace {
    static let defaultIdleMilliseconds: UInt64 = 10_000
    static let defaultMinimumRate: UInt64 = 4096

    private let idle: UInt64
    private let minimumRate: UInt64
    private var lastProgress: UInt64
    private var windowStart: UInt64
    private var windowBytes: UInt64 = 0

    init(now: UInt64) {
        let milliseconds = max(BootArguments.integer(for: "liu.upload-idle-ms") ?? Self.defaultIdleMilliseconds, 1)
        idle = milliseconds > UInt64.max / 1_000_000 ? UInt64.max : milliseconds * 1_000_000
        minimumRate = BootArguments.integer(for: "liu.upload-min-rate") ?? Self.defaultMinimumRate
        lastProgress = now
        windowStart = now
    }

    func note(progress bytes: Int, now: UInt64) {
        guard bytes > 0 else { return }
        lastProgress = now
        windowBytes += UInt64(bytes)
    }

    /// Why the upload is too slow at `now`, or nil.
    func stall(now: UInt64) -> String? {
        if now &- lastProgress >= idle {
            var text = TextBuilder("no data for ")
            text.add((now &- lastProgress) / 1_000_000)
            text.add(" ms")
            return text.string
        }
        let window = now &- windowStart
        guard window >= idle else { return nil }
        // bytes / seconds < rate, without division by a fraction.
        let (needed, overflow) = minimumRate.multipliedReportingOverflow(by: window / 1_000_000)
        if !overflow && windowBytes * 1000 < needed {
            var text = TextBuilder()
            text.add(windowBytes); text.add(" bytes in the last "); text.add(window / 1_000_000); text.add(" ms, slower than ")
            text.add(minimumRate); text.add(" bytes/s")
            return text.string
        }
        windowStart = now
        windowBytes = 0
        return nil
    }
}

import Foundation

/// `liu bench update --icount --profile N`: one more counter update, under the instruction
/// counter with QEMU's execution log, and where its downtime's guest instructions went, by
/// function: from the old kernel's `Hotswap.update` (the service stops) to the new kernel's
/// `UpdateDowntime.serviceResumed` (it serves again), both kept out of line for this. Names
/// come from the image's symbols (`NAME.debug.elf`); code in the hotswap window, below the
/// image, is the stub.
public enum UpdateProfile {
    public struct Line: Sendable {
        public let function: String
        public let instructions: UInt64
    }

    public struct Result: Sendable {
        /// By instructions, most first.
        public let lines: [Line]
        public let total: UInt64
        /// The downtime the kernels counted for the same update (nanoseconds: instructions).
        public let measured: UInt64
    }

    static let startSymbol = "$e6Kernel7HotswapO6update2to"
    static let endSymbol = "$e6Kernel14UpdateDowntimeV14serviceResumed"

    /// Runs the update with `images` (the running image first, then the one pushed).
    public static func measure(_ target: KernelTarget, _ machine: Machine, images: [(URL, [UInt8])]) throws -> Result {
        let symbols = try ELFSymbols(image: images[0].0.deletingLastPathComponent().appendingPathComponent("counter.debug.elf"))
        guard let start = symbols.address(ofSymbolStartingWith: startSymbol),
              let end = symbols.address(ofSymbolStartingWith: endSymbol) else {
            throw Push.Failure("the image has no \(startSymbol)… or \(endSymbol)… to start and end the profile at")
        }
        removeLogsOfEndedRuns()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("liu-profile-\(getpid())-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let guest = try CounterGuest(target: target, machine: machine, accelerator: .tcg, image: images[0].0, countsInstructions: true,
                                     qemuArguments: ["-d", "exec,nochain,in_asm", "-D", log.path])
        // QEMU stops before the log is read (it is complete then), on every way out.
        let measured = try { () throws -> UInt64 in
            defer { _ = guest.stop() }
            _ = try guest.request()
            let answer = try guest.push(images[1].1)
            guard case .confirmed = answer else { throw Push.Failure("the profiled update: \(Push.describe(answer))") }
            return try guest.awaitBoot(2).downtime.phases.first?.nanoseconds ?? 0
        }()
        let trace = try ExecutionTrace(log: log, from: start, to: end)
        guard trace.isComplete else { throw Push.Failure("the execution log ends before the service served again") }
        let imageStart = symbols.symbols.first?.address ?? 0
        var byFunction: [String: UInt64] = [:]
        for (address, count) in trace.instructions {
            let name = address < imageStart ? "(hotswap stub)" : symbols.symbol(containing: address)?.name ?? "(no symbol)"
            byFunction[name, default: 0] += count
        }
        let names = Array(byFunction.keys)
        let readable = demangled(names)
        let lines = zip(names, readable).map { Line(function: $1, instructions: byFunction[$0]!) }
        return Result(lines: lines.sorted { $0.instructions > $1.instructions }, total: trace.total, measured: measured)
    }

    /// Execution logs (hundreds of MB) that a run killed before its cleanup left behind: those
    /// whose liu process (the PID in the name) is gone.
    private static func removeLogsOfEndedRuns() {
        let folder = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix("liu-profile-") {
            guard let pid = Int32(name.dropFirst("liu-profile-".count).prefix { $0 != "-" }), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }

    /// "  42,644  33.9%  (hotswap stub)", the first `top` lines.
    static func report(_ label: String, _ profile: Result, top: Int) {
        print("\(label) profile of one update: \(grouped(profile.total)) guest instructions traced from the service's stop "
              + "to its serving again (the kernels counted \(grouped(profile.measured)))")
        for line in profile.lines.prefix(top) {
            let share = Double(line.instructions) / Double(max(profile.total, 1)) * 100
            let padded = String(repeating: " ", count: max(0, 10 - grouped(line.instructions).count)) + grouped(line.instructions)
            print("  \(padded)  \(String(format: "%5.1f", share))%  \(line.function)")
        }
    }

    private static func grouped(_ value: UInt64) -> String {
        let digits = Array(String(value))
        return String(digits.enumerated().flatMap { index, digit in
            (index > 0 && (digits.count - index) % 3 == 0) ? [",", digit] : [digit]
        })
    }

    /// Swift names through `swift demangle` (Embedded's `$e` read as `$s`); others as they are.
    private static func demangled(_ names: [String]) -> [String] {
        let input = names.map { $0.hasPrefix("$e") ? "$s" + $0.dropFirst(2) : $0 }.joined(separator: "\n")
        guard let output = try? Shell.run("swift", ["demangle", "--simplified", "--compact"], input: input) else { return names }
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return lines.count >= names.count ? Array(lines.prefix(names.count)) : names
    }
}

import Foundation

/// `liu bench boot`: cold boots of every target and machine, under TCG and (where it runs
/// the target) KVM, reporting the kernel's own "entry to service" time and QEMU's whole
/// process time, as median / min / max over the runs. With `icount`, under TCG with QEMU's
/// instruction counter: each stage of the boot timeline in guest instructions; `json` prints
/// one JSON document instead; `svg` draws the median timeline of each target and machine.
public enum BootBench {
    public struct Options: Equatable, Sendable {
        public var runs: Int
        public var icount = false
        public var json = false
        public var svg: String?

        public init(runs: Int = 10) { self.runs = runs }
    }

    static func run(_ options: Options) throws -> Int32 {
        let builder = KernelBuild(packageRoot: try KernelBuild.locatePackageRoot())
        if !options.json {
            print("target   machine  accel  image      entry→service (median/min/max)      whole QEMU process")
        }
        var rows: [PhaseStatistics] = []
        var failures: Int32 = 0
        for target in KernelTarget.allCases {
            let image = try builder.build(builtIn: "hello", for: target)
            let size = (try? FileManager.default.attributesOfItem(atPath: image.path)[.size] as? Int) ?? 0
            for machine in target.machines {
                for accelerator in options.icount ? [.tcg] : accelerators(for: target) {
                    var configuration = QEMUConfiguration(target: target, machine: machine, accelerator: accelerator, image: image)
                    configuration.countsInstructions = options.icount
                    var timelines: [DowntimeSummary] = [], processTimes: [Double] = []
                    for _ in 0..<options.runs {
                        let result = try QEMU.run(configuration, timeout: 120)
                        guard result.exit == .status(0), let timeline = timeline(in: result.serialOutput) else {
                            failures += 1
                            continue
                        }
                        timelines.append(timeline)
                        processTimes.append(result.seconds * 1000)
                    }
                    let mode = options.icount ? "icount" : accelerator.rawValue
                    guard let statistics = PhaseStatistics(label: "\(target.rawValue) \(machine.rawValue) \(mode)", timelines) else {
                        if !options.json { print("\(target.rawValue) \(machine.rawValue) \(mode): failed to boot") }
                        continue
                    }
                    rows.append(statistics)
                    guard !options.json else { continue }
                    let label = "\(target.rawValue.padding(8)) \(machine.rawValue.padding(8)) \(mode.padding(6)) \(String(size).padding(10))"
                    let kernel = timelines.map { Double($0.phases[0].nanoseconds) / 1e6 }
                    print("\(label) \((options.icount ? instructions(statistics.total) : summary(kernel)).padding(35)) \(summary(processTimes))")
                    if options.icount {
                        for stage in statistics.parts { print("  \(stage.name): \(instructions(stage.figures))") }
                    }
                }
            }
        }
        try PhaseStatistics.finish(rows, benchmark: "boot", runs: options.runs, failures: failures, icount: options.icount,
                                   json: options.json, svg: options.svg, subject: "Cold boot timeline (hello service")
        return failures == 0 ? 0 : 1
    }

    static func accelerators(for target: KernelTarget) -> [Accelerator] {
        QEMU.kvmRuns(target) ? [.tcg, .kvm] : [.tcg]
    }

    /// The kernel's boot timeline ("boot timeline (…):", a line per stage "  NAME  1.234 ms  at
    /// 5.678 ms", then "entry to service: 12.345 ms") as "total" (entry to service) and the stages.
    static func timeline(in log: String) -> DowntimeSummary? {
        guard let start = log.range(of: "boot timeline (") else { return nil }
        var phases: [DowntimeSummary.Phase] = []
        for line in log[start.upperBound...].split(whereSeparator: \.isNewline).dropFirst() {
            let words = line.split(separator: " ")
            if line.contains("entry to service: "), let total = words.last(where: { Double($0) != nil }).flatMap(nanoseconds) {
                return DowntimeSummary(phases: [DowntimeSummary.Phase(name: "total", nanoseconds: total)] + phases)
            }
            guard let at = words.firstIndex(of: "at"), at >= 3, words[at - 1] == "ms", let duration = nanoseconds(words[at - 2]) else { break }
            phases.append(DowntimeSummary.Phase(name: words[..<(at - 2)].joined(separator: " "), nanoseconds: duration))
        }
        return nil
    }

    /// "1.234" (milliseconds, three decimals) as nanoseconds.
    private static func nanoseconds(_ milliseconds: Substring) -> UInt64? {
        let parts = milliseconds.split(separator: ".")
        guard parts.count == 2, parts[1].count == 3, let whole = UInt64(parts[0]), let fraction = UInt64(parts[1]) else { return nil }
        return (whole * 1000 + fraction) * 1000
    }

    private static func instructions(_ figures: PhaseStatistics.Figures) -> String {
        "\(DowntimeChart.figure(figures.median, "instructions")) / \(DowntimeChart.figure(figures.minimum, "instructions")) / "
            + DowntimeChart.figure(figures.maximum, "instructions")
    }

    static func summary(_ values: [Double]) -> String {
        let sorted = values.sorted()
        let format = { (value: Double) in String(format: "%.3f", value) }
        return "\(format(sorted[sorted.count / 2])) / \(format(sorted.first!)) / \(format(sorted.last!)) ms"
    }
}

private extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

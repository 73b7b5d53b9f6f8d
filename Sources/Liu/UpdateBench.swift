import Foundation

/// `liu bench update`: boots the counter service and pushes N updates alternating between the
/// image labelled 1 and a copy labelled 2, checking after each that the new version serves
/// with the counter intact; prints the downtime the kernels measured (median / min / max) and
/// each phase's, per target, machine and accelerator. With `icount`, under TCG with QEMU's
/// instruction counter, where the figures are guest instructions; `json` prints one JSON
/// document instead of text; `svg` also writes the medians as a stacked bar chart.
public enum UpdateBench {
    public struct Options: Equatable, Sendable {
        public var targets: [KernelTarget]
        public var machine: Machine?
        public var accelerator: Accelerator?
        public var runs: Int
        public var icount = false
        public var json = false
        /// Where to write the chart, if anywhere.
        public var svg: String?
        /// With `icount`: how many functions of an extra, traced update to list (`UpdateProfile`).
        public var profile: Int?

        public init(targets: [KernelTarget], machine: Machine? = nil, accelerator: Accelerator? = nil, runs: Int = 30) {
            self.targets = targets
            self.machine = machine
            self.accelerator = accelerator
            self.runs = runs
        }
    }

    static func run(_ options: Options) throws -> Int32 {
        let builder = KernelBuild(packageRoot: try KernelBuild.locatePackageRoot())
        let unit = options.icount ? "instructions" : "ns"
        var rows: [PhaseStatistics] = []
        var failures: Int32 = 0
        for target in options.targets {
            let images = [try builder.build(builtIn: "counter", for: target), try builder.build(builtIn: "counter", for: target, label: "2")].map { url in
                (url, (try? Data(contentsOf: KernelBuild.bundlePath(forImage: url))).map { [UInt8]($0) } ?? [])
            }
            let accelerators = options.icount ? [.tcg] : options.accelerator.map { [$0] } ?? BootBench.accelerators(for: target)
            for machine in options.machine.map({ [$0] }) ?? target.machines {
                guard target.machines.contains(machine) else { continue }
                for accelerator in accelerators {
                    let label = "\(target.rawValue) \(machine.rawValue) \(options.icount ? "icount" : accelerator.rawValue)"
                    do {
                        let downtimes = try measure(target, machine, accelerator, icount: options.icount, images: images, runs: options.runs)
                        guard let statistics = PhaseStatistics(label: label, downtimes) else { throw Push.Failure("no downtime reported") }
                        rows.append(statistics)
                        if !options.json { report(statistics, unit: unit, bundleSize: images[0].1.count) }
                        if let top = options.profile { UpdateProfile.report(label, try UpdateProfile.measure(target, machine, images: images), top: top) }
                    } catch {
                        if !options.json { print("\(label): failed: \(error)") }
                        failures += 1
                    }
                }
            }
        }
        try PhaseStatistics.finish(rows, benchmark: "update", runs: options.runs, failures: failures, icount: options.icount,
                                   json: options.json, svg: options.svg, subject: "Live-update downtime by phase (counter service")
        return failures == 0 ? 0 : 1
    }

    /// The downtime phases of each update, after checking the state survived it.
    private static func measure(_ target: KernelTarget, _ machine: Machine, _ accelerator: Accelerator, icount: Bool,
                                images: [(URL, [UInt8])], runs: Int) throws -> [DowntimeSummary] {
        let guest = try CounterGuest(target: target, machine: machine, accelerator: accelerator, image: images[0].0,
                                     countsInstructions: icount)
        defer { _ = guest.stop() }
        var downtimes: [DowntimeSummary] = []
        for round in 1...runs {
            _ = try guest.request()
            let next = images[round % 2]
            let answer = try guest.push(next.1)
            guard case .confirmed = answer else { throw Push.Failure("update \(round): \(Push.describe(answer))") }
            let status = try guest.awaitBoot(round + 1)
            let expectedVersion = round % 2 == 1 ? "2" : "1"
            guard status.version == expectedVersion, status.count == round, status.updates == round else {
                throw Push.Failure("after update \(round): version \(status.version), count \(status.count), updates \(status.updates)")
            }
            downtimes.append(status.downtime)
        }
        return downtimes
    }

    private static func report(_ statistics: PhaseStatistics, unit: String, bundleSize: Int) {
        let figures = { (values: PhaseStatistics.Figures) in
            "\(DowntimeChart.figure(values.median, unit)) (min \(DowntimeChart.figure(values.minimum, unit)), max \(DowntimeChart.figure(values.maximum, unit)))"
        }
        print("\(statistics.label): \(statistics.updates) updates of a \(bundleSize)-byte bundle, downtime median \(figures(statistics.total))")
        for phase in statistics.parts { print("  \(phase.name): \(figures(phase.figures))") }
    }
}

import Foundation

/// The median, minimum and maximum of each downtime phase over the updates of one target,
/// machine and accelerator, in the kernels' nanoseconds: guest instructions under instruction
/// counting (`QEMUConfiguration.instructionCounting`).
public struct PhaseStatistics: Equatable, Sendable {
    public struct Figures: Equatable, Sendable {
        public var median: UInt64
        public var minimum: UInt64
        public var maximum: UInt64
    }

    public struct Phase: Equatable, Sendable {
        public var name: String
        public var figures: Figures
    }

    /// e.g. "x86_64 pc icount".
    public var label: String
    public var updates: Int
    /// "total" first, then the phases in the order the kernel reports them.
    public var phases: [Phase]

    /// nil without a measured update.
    public init?(label: String, _ downtimes: [DowntimeSummary]) {
        guard let first = downtimes.first, !first.phases.isEmpty else { return nil }
        self.label = label
        updates = downtimes.count
        phases = first.phases.map { phase in
            let values = downtimes.compactMap { $0.phases.first { $0.name == phase.name }?.nanoseconds }.sorted()
            return Phase(name: phase.name, figures: Figures(median: values[values.count / 2], minimum: values.first!, maximum: values.last!))
        }
    }

    public var total: Figures { phases[0].figures }

    /// The phases after "total".
    public var parts: ArraySlice<Phase> { phases.dropFirst() }

    /// What `liu bench boot` and `liu bench update` do with their rows at the end: `--json` prints
    /// them as one document, `--svg` draws them (`subject`: "Cold boot timeline (hello service").
    static func finish(_ rows: [PhaseStatistics], benchmark: String, runs: Int, failures: Int32, icount: Bool, json: Bool,
                       svg: String?, subject: String) throws {
        let unit = icount ? "instructions" : "ns"
        if json {
            let document: [String: Any] = ["benchmark": benchmark, "runs": runs, "failures": failures, "rows": rows.map { $0.json(unit: unit) }]
            print(String(decoding: try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
        }
        if let svg {
            let title = "\(subject), \(icount ? "guest instructions, QEMU -icount shift=0" : "kernel clock"))"
            try DowntimeChart.svg(rows, title: title, unit: unit).write(toFile: svg, atomically: true, encoding: .utf8)
            if !json { print("liu bench \(benchmark): wrote \(svg)") }
        }
    }

    /// For `--json`: label, updates, unit and each phase's median, min and max.
    public func json(unit: String) -> [String: Any] {
        ["label": label, "updates": updates, "unit": unit,
         "phases": phases.map { ["name": $0.name, "median": $0.figures.median, "min": $0.figures.minimum, "max": $0.figures.maximum] }]
    }
}

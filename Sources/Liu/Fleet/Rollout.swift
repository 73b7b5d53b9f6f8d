import Foundation

/// The stages of a rollout: the first `canary` guests, then waves of `wave` guests, in the
/// fleet file's order.
public struct RolloutPlan: Equatable, Sendable {
    /// Guest indices per stage; stage 0 is the canary.
    public var stages: [[Int]]

    public init(guests: Int, canary: Int, wave: Int) {
        precondition(canary > 0 && wave > 0)
        let canaries = Array(0..<min(canary, guests))
        var stages = canaries.isEmpty ? [] : [canaries]
        var next = canaries.count
        while next < guests {
            stages.append(Array(next..<min(next + wave, guests)))
            next += wave
        }
        self.stages = stages
    }

    /// For a person: `canary`, `wave 1`, …
    public static func stageName(_ stage: Int) -> String { stage == 0 ? "canary" : "wave \(stage)" }
}

/// How pushing the bundle to one guest ended.
public enum RolloutOutcome: Equatable, Sendable {
    /// The guest's verdict, as `liu push` reports it.
    case answered(Push.Answer)
    /// libvirt reported the guest's reset (its `reboot` event) before or instead of a verdict.
    case resetEvent(timestamp: String)
    /// The push itself failed (no connection, no verdict in time, …).
    case failed(String)

    public var confirmed: Bool {
        if case .answered(.confirmed) = self { return true }
        return false
    }

    /// `confirmed`, `rolled-back`, `reset`, `refused`, `abandoned` or `failed`, for tables and JSON.
    public var word: String {
        switch self {
        case .answered(.confirmed), .answered(.registered), .answered(.accepted): "confirmed"
        case .answered(.rolledBack): "rolled-back"
        case .answered(.reset), .resetEvent: "reset"
        case .answered(.refused): "refused"
        case .answered(.abandoned): "abandoned"
        case .failed: "failed"
        }
    }

    /// One line for a person, as `liu push` words it.
    public var text: String {
        switch self {
        case .answered(let answer): Push.describe(answer)
        case .resetEvent(let timestamp): "the guest reset: libvirt reported its reboot event at \(timestamp); it boots its original image and the service's state is lost"
        case .failed(let reason): "failed: \(reason)"
        }
    }
}

/// What a rollout did to each guest and where it stopped.
public struct RolloutReport: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var guest: String
        /// The stage the guest belongs to.
        public var stage: Int
        /// nil: not pushed, the rollout halted before its stage.
        public var outcome: RolloutOutcome?
        public var seconds: Double
    }

    public var entries: [Entry]
    /// The stage after which the rollout halted; nil when every stage ran.
    public var haltedAfter: Int?
    public var maxFailures: Int

    public var failures: Int { entries.filter { $0.outcome.map { !$0.confirmed } ?? false }.count }

    /// 0 every guest confirmed; 2 more failures than `--max-failures` (the rollout halted, unless
    /// they came in the last stage); 3 every stage ran, some guests failed within the allowance.
    public var exitCode: Int32 { failures > maxFailures ? 2 : (failures > 0 ? 3 : 0) }
}

/// Runs a plan: each stage's guests are updated at once (`update(index)` pushes to one guest and
/// returns its outcome), and after each stage the failures so far are counted: more than
/// `maxFailures` halts the rollout, leaving the later stages' guests on their image.
public enum Rollout {
    public enum Progress: Equatable, Sendable {
        case stageStarted(stage: Int, guests: [String])
        case guestFinished(guest: String, outcome: RolloutOutcome, seconds: Double)
        case halted(afterStage: Int, failures: Int, untouched: [String])
    }

    public static func run(_ plan: RolloutPlan, names: [String], maxFailures: Int,
                           update: @escaping @Sendable (Int) -> RolloutOutcome,
                           progress: @escaping @Sendable (Progress) -> Void = { _ in }) -> RolloutReport {
        var report = RolloutReport(entries: [], haltedAfter: nil, maxFailures: maxFailures)
        for (stage, members) in plan.stages.enumerated() {
            if report.haltedAfter != nil {
                report.entries += members.map { RolloutReport.Entry(guest: names[$0], stage: stage, outcome: nil, seconds: 0) }
                continue
            }
            progress(.stageStarted(stage: stage, guests: members.map { names[$0] }))
            let results = parallel(members.count) { position in
                let started = Date()
                let outcome = update(members[position])
                let seconds = Date().timeIntervalSince(started)
                progress(.guestFinished(guest: names[members[position]], outcome: outcome, seconds: seconds))
                return (outcome, seconds)
            }
            report.entries += zip(members, results).map { RolloutReport.Entry(guest: names[$0], stage: stage, outcome: $1.0, seconds: $1.1) }
            if report.failures > maxFailures && stage < plan.stages.count - 1 {
                report.haltedAfter = stage
                progress(.halted(afterStage: stage, failures: report.failures,
                                 untouched: plan.stages[(stage + 1)...].flatMap { $0 }.map { names[$0] }))
            }
        }
        return report
    }
}

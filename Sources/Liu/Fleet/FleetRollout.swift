import Foundation

extension Fleet {
    public struct RolloutOptions: Equatable, Sendable {
        /// The signed bundle; `{target}` in it becomes each guest's target.
        public var bundle: String
        public var canary = 1
        public var wave = 1
        public var maxFailures = 0
        public var json = false

        /// The defaults: a canary of one, waves of one, no failure allowed, text.
        public init(bundle: String) { self.bundle = bundle }
    }

    /// The result of a rollout: the report, and the image each guest runs after it.
    public struct RolloutResult: Sendable {
        public var report: RolloutReport
        /// By guest name; `-` for a guest that did not answer.
        public var running: [String: String]
        public var seconds: Double
    }

    /// Pushes the bundle stage by stage (`Rollout`), a guest's reset noticed from libvirt's
    /// `reboot` event (`LibvirtEvents`) as well as from its connection ending.
    public func rollout(_ options: RolloutOptions) throws -> RolloutResult {
        var bundles: [KernelTarget: [UInt8]] = [:]
        for target in Set(file.guests.map(\.target)) {
            let path = options.bundle.replacingOccurrences(of: "{target}", with: target.rawValue)
            guard let data = FileManager.default.contents(atPath: path) else { throw ToolFailure(description: "cannot read the bundle \(path)") }
            bundles[target] = [UInt8](data)
        }
        let watchers = try Dictionary(uniqueKeysWithValues: uris.map { ($0, try LibvirtEvents(uri: $0)) })
        defer { watchers.values.forEach { $0.stop() } }
        let file = self.file, say = self.say, loaded = bundles
        let started = Date()
        let report = Rollout.run(RolloutPlan(guests: file.guests.count, canary: options.canary, wave: options.wave),
                                 names: file.guests.map(\.name), maxFailures: options.maxFailures, update: { index in
            let guest = file.guests[index]
            return Self.push(loaded[guest.target]!, to: guest, domain: file.domainName(guest), events: watchers[guest.uri]!)
        }, progress: { event in
            if !options.json { say(Self.describe(event)) }
        })
        let seconds = Date().timeIntervalSince(started)
        let running = Dictionary(uniqueKeysWithValues: status().map { ($0.guest, $0.image) })
        return RolloutResult(report: report, running: running, seconds: seconds)
    }

    /// Pushes `bundle` and waits for the verdict or libvirt's reboot event of `domain`,
    /// whichever comes first.
    static func push(_ bundle: [UInt8], to guest: FleetGuest, domain: String, events: LibvirtEvents) -> RolloutOutcome {
        let seen = events.received.count
        let answer = OutcomeSlot()
        Thread {
            do {
                answer.set(.answered(try Push.send(bundle, host: address(guest, RunNetwork.updatePort), port: guest.updatePort)))
            } catch {
                answer.set(.failed("\(error)"))
            }
        }.start()
        var resetAnswerSince: Date?
        while true {
            if let reboot = events.received.dropFirst(seen).first(where: { $0.domain == domain && $0.kind == .reboot }) {
                return .resetEvent(timestamp: reboot.timestamp)
            }
            if let outcome = answer.value {
                guard case .answered(.reset) = outcome else { return outcome }
                // The connection ended: libvirt's event is on its way (or the guest crashed otherwise).
                let since = resetAnswerSince ?? Date()
                resetAnswerSince = since
                if Date().timeIntervalSince(since) > 3 { return outcome }
            }
            usleep(20_000)
        }
    }

    static func describe(_ progress: Rollout.Progress) -> String {
        switch progress {
        case .stageStarted(let stage, let guests):
            "liu fleet: \(RolloutPlan.stageName(stage)): pushing to \(guests.joined(separator: ", "))"
        case .guestFinished(let guest, let outcome, let seconds):
            "liu fleet: \(guest): \(outcome.text) (\(String(format: "%.1f", seconds)) s)"
        case .halted(let stage, let failures, let untouched):
            "liu fleet: halted after the \(RolloutPlan.stageName(stage)): \(failures) failed; \(untouched.count) guests left on their image: "
                + untouched.joined(separator: ", ")
        }
    }

    /// The closing report: one row a guest.
    public static func text(_ result: RolloutResult) -> String {
        let report = result.report
        let rows = report.entries.map { entry in
            [entry.guest, RolloutPlan.stageName(entry.stage), entry.outcome?.word ?? "not pushed", result.running[entry.guest] ?? "-"]
        }
        let verdict = switch report.exitCode {
        case 0: "every guest confirmed the update"
        case 2: report.haltedAfter.map { "HALTED after the \(RolloutPlan.stageName($0)): \(report.failures) failed, more than --max-failures \(report.maxFailures)" }
            ?? "\(report.failures) failed, more than --max-failures \(report.maxFailures)"
        default: "\(report.failures) failed, within --max-failures \(report.maxFailures)"
        }
        return textTable([["GUEST", "STAGE", "RESULT", "RUNNING"]] + rows)
            + "\nliu fleet: rollout \(String(format: "%.1f", result.seconds)) s: \(verdict)"
    }

    public static func json(_ result: RolloutResult) -> String {
        let report = result.report
        let guests: [[String: Any]] = report.entries.map { entry in
            ["guest": entry.guest, "stage": RolloutPlan.stageName(entry.stage), "result": entry.outcome?.word ?? "not-pushed",
             "detail": entry.outcome?.text ?? NSNull(), "seconds": entry.seconds, "running": result.running[entry.guest] ?? NSNull()]
        }
        return jsonText(["guests": guests, "halted": report.haltedAfter != nil, "haltedAfter": report.haltedAfter.map(RolloutPlan.stageName) ?? NSNull(),
                         "failures": report.failures, "maxFailures": report.maxFailures, "exitCode": report.exitCode, "seconds": result.seconds])
    }
}

/// A value one thread sets and another polls.
private final class OutcomeSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var outcome: RolloutOutcome?
    func set(_ value: RolloutOutcome) { lock.withLock { outcome = value } }
    var value: RolloutOutcome? { lock.withLock { outcome } }
}

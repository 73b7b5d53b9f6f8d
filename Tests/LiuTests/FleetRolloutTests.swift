import Foundation
@testable import Liu
import Testing

/// Rollout planning and halting with a fake guest driver: `update` answers from a table.
@Suite("Fleet rollout planning")
struct FleetRolloutTests {
    static let names = (1...10).map { "g\($0)" }
    static let confirmed = RolloutOutcome.answered(.confirmed(label: "2", downtime: "total=1000"))
    static let rolledBack = RolloutOutcome.answered(.rolledBack(label: "1", reason: "the image fail-resume failed its trial"))

    /// Runs a rollout of ten guests where `failing` fail (rolled back), recording the order of
    /// the pushes and the progress.
    static func run(canary: Int, wave: Int, maxFailures: Int, failing: Set<Int>,
                    failure: RolloutOutcome = rolledBack) -> (report: RolloutReport, pushed: [Int], progress: [Rollout.Progress]) {
        let log = Log()
        let report = Rollout.run(RolloutPlan(guests: names.count, canary: canary, wave: wave), names: names, maxFailures: maxFailures,
                                 update: { index in
                                     log.push(index)
                                     return failing.contains(index) ? failure : confirmed
                                 }, progress: { log.progress($0) })
        return (report, log.pushes, log.events)
    }

    @Test func stages() {
        #expect(RolloutPlan(guests: 10, canary: 1, wave: 3).stages == [[0], [1, 2, 3], [4, 5, 6], [7, 8, 9]])
        #expect(RolloutPlan(guests: 10, canary: 2, wave: 5).stages == [[0, 1], [2, 3, 4, 5, 6], [7, 8, 9]])
        #expect(RolloutPlan(guests: 3, canary: 5, wave: 1).stages == [[0, 1, 2]])
        #expect(RolloutPlan(guests: 0, canary: 1, wave: 1).stages == [])
        #expect(RolloutPlan.stageName(0) == "canary" && RolloutPlan.stageName(2) == "wave 2")
    }

    @Test func allConfirmed() {
        let (report, pushed, progress) = Self.run(canary: 1, wave: 3, maxFailures: 0, failing: [])
        #expect(Set(pushed) == Set(0..<10))
        #expect(report.entries.map(\.guest) == Self.names)
        #expect(report.entries.allSatisfy { $0.outcome == Self.confirmed })
        #expect(report.entries.map(\.stage) == [0, 1, 1, 1, 2, 2, 2, 3, 3, 3])
        #expect(report.haltedAfter == nil && report.failures == 0 && report.exitCode == 0)
        #expect(progress.filter { if case .stageStarted = $0 { true } else { false } }.count == 4)
        #expect(progress.first == .stageStarted(stage: 0, guests: ["g1"]))
    }

    @Test func failingCanaryHalts() {
        let (report, pushed, progress) = Self.run(canary: 1, wave: 3, maxFailures: 0, failing: [0])
        #expect(pushed == [0], "nothing after the canary")
        #expect(report.haltedAfter == 0 && report.failures == 1 && report.exitCode == 2)
        #expect(report.entries[0].outcome == Self.rolledBack)
        #expect(report.entries.dropFirst().allSatisfy { $0.outcome == nil })
        #expect(progress.last == .halted(afterStage: 0, failures: 1, untouched: Array(Self.names.dropFirst())))
    }

    @Test func failuresWithinTheAllowanceGoOn() {
        let (report, pushed, _) = Self.run(canary: 1, wave: 3, maxFailures: 1, failing: [2])
        #expect(pushed.count == 10)
        #expect(report.haltedAfter == nil && report.failures == 1 && report.exitCode == 3)
    }

    /// The stage with the failure beyond the allowance runs to its end; the next one does not start.
    @Test func haltsAfterTheStageThatExceeds() {
        let (report, pushed, _) = Self.run(canary: 1, wave: 3, maxFailures: 1, failing: [1, 5])
        #expect(Set(pushed) == Set(0...6))
        #expect(report.haltedAfter == 2 && report.failures == 2 && report.exitCode == 2)
        #expect(report.entries[7...].allSatisfy { $0.outcome == nil && $0.stage == 3 })
    }

    @Test func failuresInTheLastStageFailTheRolloutWithoutHalting() {
        let (report, pushed, _) = Self.run(canary: 1, wave: 3, maxFailures: 0, failing: [9])
        #expect(pushed.count == 10)
        #expect(report.haltedAfter == nil && report.exitCode == 2)
    }

    @Test("every kind of failure counts", arguments: [
        RolloutOutcome.resetEvent(timestamp: "t"), .answered(.reset("ended")), .answered(.refused(reason: "bad signature")),
        .answered(.abandoned(reason: "saving failed")), .failed("cannot connect"), rolledBack,
    ])
    func failureKinds(_ failure: RolloutOutcome) {
        #expect(!failure.confirmed)
        #expect(Self.run(canary: 1, wave: 3, maxFailures: 0, failing: [0], failure: failure).report.haltedAfter == 0)
    }

    @Test func words() {
        #expect(Self.confirmed.word == "confirmed" && Self.rolledBack.word == "rolled-back")
        #expect(RolloutOutcome.resetEvent(timestamp: "t").word == "reset" && RolloutOutcome.answered(.reset("x")).word == "reset")
        #expect(RolloutOutcome.resetEvent(timestamp: "T").text.hasPrefix("the guest reset: libvirt reported its reboot event at T"))
        #expect(Self.rolledBack.text == "rolled back to 1: the image fail-resume failed its trial")
    }

    @Test func reportText() {
        let (report, _, _) = Self.run(canary: 1, wave: 3, maxFailures: 0, failing: [0])
        let running = Dictionary(uniqueKeysWithValues: Self.names.map { ($0, "1") })
        let text = Fleet.text(Fleet.RolloutResult(report: report, running: running, seconds: 12.34))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "GUEST  STAGE   RESULT       RUNNING")
        #expect(lines[1] == "g1     canary  rolled-back  1")
        #expect(lines[2] == "g2     wave 1  not pushed   1")
        #expect(lines.last == "liu fleet: rollout 12.3 s: HALTED after the canary: 1 failed, more than --max-failures 0")
        let json = try? JSONSerialization.jsonObject(with: Data(Fleet.json(Fleet.RolloutResult(report: report, running: running, seconds: 1)).utf8)) as? [String: Any]
        #expect(json?["halted"] as? Bool == true && json?["exitCode"] as? Int == 2 && json?["haltedAfter"] as? String == "canary")
        #expect((json?["guests"] as? [[String: Any]])?.map { $0["result"] as? String } == ["rolled-back"] + Array(repeating: "not-pushed", count: 9))
    }

    @Test func commandLine() throws {
        var options = Fleet.RolloutOptions(bundle: "b/{target}.bundle")
        #expect(options.canary == 1 && options.wave == 1 && options.maxFailures == 0 && !options.json)
        (options.canary, options.wave, options.maxFailures, options.json) = (2, 3, 1, true)
        #expect(try LiuCommand.parse(["fleet", "rollout", "f.fleet", "b/{target}.bundle", "--canary", "2", "--wave", "3", "--max-failures", "1", "--json"])
            == .fleetRollout(file: "f.fleet", options))
        #expect(try LiuCommand.parse(["fleet", "rollout", "f.fleet", "b"]) == .fleetRollout(file: "f.fleet", Fleet.RolloutOptions(bundle: "b")))
        #expect(try LiuCommand.parse(["fleet", "up", "f.fleet", "--attach"]) == .fleetUp(file: "f.fleet", attach: true))
        #expect(try LiuCommand.parse(["fleet", "status", "f.fleet", "--json"]) == .fleetStatus(file: "f.fleet", json: true))
        #expect(try LiuCommand.parse(["fleet", "down", "f.fleet"]) == .fleetDown(file: "f.fleet"))
        let error = #expect(throws: UsageError.self) { try LiuCommand.parse(["fleet", "sideways"]) }
        #expect(error?.description == "unknown fleet command 'sideways'; use one of: up, status, down, rollout")
        #expect(LiuTool.main(["fleet", "down", "/nonexistent/f.fleet"]) == 1)
    }
}

private final class Log: @unchecked Sendable {
    private let lock = NSLock()
    private var pushed: [Int] = []
    private var progressed: [Rollout.Progress] = []
    func push(_ index: Int) { lock.withLock { pushed.append(index) } }
    func progress(_ event: Rollout.Progress) { lock.withLock { progressed.append(event) } }
    var pushes: [Int] { lock.withLock { pushed } }
    var events: [Rollout.Progress] { lock.withLock { progressed } }
}

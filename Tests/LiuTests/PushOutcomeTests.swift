@testable import Liu
import Testing

@Suite("push outcomes and status lines")
struct PushOutcomeTests {
    @Test func verdictLinesAreRead() {
        #expect(Push.parseVerdict("confirmed 2 downtime-ns total=900 save=100 hand-over=800")
                == .confirmed(label: "2", downtime: "downtime-ns total=900 save=100 hand-over=800"))
        #expect(Push.parseVerdict("rolled back to 1: the image 3 failed its trial: panic: CPU exception")
                == .rolledBack(label: "1", reason: "the image 3 failed its trial: panic: CPU exception"))
        #expect(Push.parseVerdict("abandoned: the storage area is too small") == .abandoned(reason: "the storage area is too small"))
        #expect(Push.parseVerdict("swapped") == nil)
        #expect(Push.parseVerdict("rolled back to nothing") == nil)
    }

    @Test("each outcome has its exit code and its sentence", arguments: [
        (Push.Answer.confirmed(label: "2", downtime: "downtime-ns total=43873000 save=6815000"), 0,
         "updated to 2 in 43.873 ms (save 6.815 ms) (confirmed)"),
        (.rolledBack(label: "1", reason: "the image 3 failed its trial: panic"), 2, "rolled back to 1: the image 3 failed its trial: panic"),
        (.reset("the connection ended"), 3, "the guest reset: the connection ended"),
        (.refused(reason: "wrong architecture"), 1, "refused: wrong architecture"),
        (.abandoned(reason: "too small"), 1, "abandoned: too small"),
        (.registered(bytes: 5), 0, "registered 5 bytes as the known-good image"),
        (.accepted(bytes: 5), 0, "accepted 5 bytes; not waiting for the outcome (liu status tells it)"),
    ])
    func outcomes(_ answer: Push.Answer, _ code: Int32, _ text: String) {
        #expect(Push.exitCode(answer) == code)
        #expect(Push.describe(answer) == text)
    }

    static let line = "status port=update version=2 arch=x86_64 trial=none known-good=2 updates=3 uptime-ms=81234 "
        + "outcome=rolled-back outcome-label=fail-hang downtime-ns total=900 save=100 reason=the image failed: no confirmation"

    @Test func statusLinesAreRead() throws {
        let status = try #require(GuestStatus(parsing: Self.line))
        #expect(status.port == "update" && status.version == "2" && status.architecture == "x86_64" && status.trial == "none")
        #expect(status.knownGood == "2" && status.updates == 3 && status.uptimeMilliseconds == 81234)
        #expect(status.outcome == "rolled-back" && status.outcomeLabel == "fail-hang")
        #expect(status.reason == "the image failed: no confirmation")
        #expect(status.downtime.phases == [.init(name: "total", nanoseconds: 900), .init(name: "save", nanoseconds: 100)])
        #expect(status.text.contains("last update: rolled-back (fail-hang): the image failed: no confirmation"))
        #expect(status.json.contains("\"knownGood\" : \"2\"") && status.json.contains("\"total\" : 900"))
        let fresh = try #require(GuestStatus(parsing: "status port=known-good version=1 arch=i686 trial=none known-good=none "
            + "updates=0 uptime-ms=5 outcome=none outcome-label= downtime-ns none reason="))
        #expect(fresh.knownGood == nil && fresh.downtime.phases.isEmpty && fresh.port == "known-good")
        #expect(fresh.text.contains("known-good image: none (a failing update would reset the guest and lose the state)"))
        #expect(fresh.json.contains("\"knownGood\" : null"))
    }

    @Test("malformed status lines are refused", arguments: [
        "", "status", "status port=update reason=x", Self.line.replacingOccurrences(of: "uptime-ms=81234", with: "uptime-ms=soon"),
        Self.line.replacingOccurrences(of: "total=900", with: "total=abc"), Self.line.replacingOccurrences(of: " reason=", with: " cause="),
    ])
    func malformed(_ line: String) {
        #expect(GuestStatus(parsing: line) == nil)
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a running kernel says about itself when asked `status` on its update (or known-good
/// image) port: the running image, the trial, the known-good image, and the last update.
public struct GuestStatus: Equatable, Sendable {
    /// Which listener answered: `update` or `known-good`.
    public var port: String
    public var version: String
    public var architecture: String
    /// `none`, `update` (a new image on trial) or `rollback` (the known-good image, back, on trial).
    public var trial: String
    /// The known-good image's label; nil when the guest has none.
    public var knownGood: String?
    /// Updates confirmed since the guest's last cold boot.
    public var updates: Int
    /// Milliseconds since the last cold boot, across updates.
    public var uptimeMilliseconds: Int
    /// `none`, `confirmed`, `rolled-back`, `abandoned` or `refused`: the last update's outcome,
    /// about the image `outcomeLabel`, for `reason`.
    public var outcome: String
    public var outcomeLabel: String
    public var reason: String
    /// The downtime of the update that started the running image (empty after a cold boot).
    public var downtime: DowntimeSummary

    /// Reads the kernel's line (`status port=update version=… … downtime-ns … reason=…`).
    public init?(parsing line: String) {
        guard line.hasPrefix("status "), let reasonStart = line.range(of: " reason=") else { return nil }
        reason = String(line[reasonStart.upperBound...])
        let head = line[line.index(line.startIndex, offsetBy: "status ".count)..<reasonStart.lowerBound]
        let parts = head.components(separatedBy: " downtime-ns")
        guard parts.count == 2 else { return nil }
        var fields: [String: String] = [:]
        for word in parts[0].split(separator: " ") {
            guard let equals = word.firstIndex(of: "=") else { return nil }
            fields[String(word[..<equals])] = String(word[word.index(after: equals)...])
        }
        guard let port = fields["port"], let version = fields["version"], let architecture = fields["arch"],
              let trial = fields["trial"], let knownGood = fields["known-good"], let updates = fields["updates"].flatMap(Int.init),
              let uptime = fields["uptime-ms"].flatMap(Int.init), let outcome = fields["outcome"] else { return nil }
        self.port = port
        self.version = version
        self.architecture = architecture
        self.trial = trial
        self.knownGood = knownGood == "none" ? nil : knownGood
        self.updates = updates
        uptimeMilliseconds = uptime
        self.outcome = outcome
        outcomeLabel = fields["outcome-label"] ?? ""
        guard let downtime = DowntimeSummary(parts[1]) else { return nil }
        self.downtime = downtime
    }

    /// Asks the kernel listening on `host:port`.
    public static func fetch(host: String, port: UInt16, timeoutSeconds: Int = 10) throws -> GuestStatus {
        let socket = try Push.connect(host: host, port: port, timeoutSeconds: timeoutSeconds)
        defer { close(socket) }
        let request = Array("status\n".utf8)
        guard Glibc.send(socket, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else {
            throw Push.Failure.system("sending the status request")
        }
        let line = try Push.readLine(socket)
        guard let status = GuestStatus(parsing: line) else {
            throw Push.Failure(line.isEmpty ? "\(host):\(port) closed without a status (not a liveupdate kernel's update port?)"
                : "unexpected status answer: \(line)")
        }
        return status
    }

    /// For a person, one fact a line.
    public var text: String {
        var lines = ["running \(version) (\(architecture))" + (trial == "none" ? "" : ", on trial (\(trial))"),
                     "known-good image: \(knownGood ?? "none (a failing update would reset the guest and lose the state)")",
                     "uptime \(uptimeMilliseconds / 1000).\(String(format: "%03d", uptimeMilliseconds % 1000)) s across \(updates) confirmed updates"]
        switch outcome {
        case "none": lines.append("last update: none since the cold boot")
        case "confirmed": lines.append("last update: \(outcomeLabel) confirmed")
        default: lines.append("last update: \(outcome)\(outcomeLabel.isEmpty ? "" : " (\(outcomeLabel))"): \(reason)")
        }
        if !downtime.phases.isEmpty { lines.append("downtime of the update to this image: \(downtime.text)") }
        return lines.joined(separator: "\n")
    }

    /// For scripts.
    public var json: String {
        var object: [String: Any] = ["port": port, "version": version, "architecture": architecture, "trial": trial,
                                     "knownGood": knownGood ?? NSNull(), "updates": updates, "uptimeMilliseconds": uptimeMilliseconds,
                                     "lastUpdate": ["outcome": outcome, "label": outcomeLabel, "reason": reason]]
        object["downtimeNanoseconds"] = downtime.phases.isEmpty ? NSNull()
            : Dictionary(uniqueKeysWithValues: downtime.phases.map { ($0.name, $0.nanoseconds) })
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// An update's downtime by phase, from the kernels' `total=N save=N hand-over=N …` words (in
/// nanoseconds, `total` first); `none` or nothing means no update; anything else is malformed.
public struct DowntimeSummary: Equatable, Sendable {
    public var phases: [Phase]

    public struct Phase: Equatable, Sendable {
        public var name: String
        public var nanoseconds: UInt64
    }

    public init(phases: [Phase]) { self.phases = phases }

    public init?(_ words: some StringProtocol) {
        var phases: [Phase] = []
        for word in words.split(separator: " ") where word != "downtime-ns" && word != "none" {
            guard let equals = word.firstIndex(of: "="), let value = UInt64(word[word.index(after: equals)...]) else { return nil }
            phases.append(Phase(name: String(word[..<equals]), nanoseconds: value))
        }
        self.phases = phases
    }

    /// `43.873 ms (save 6.815 ms, hand-over 0.207 ms, …)`.
    public var text: String {
        guard let total = phases.first else { return "an unmeasured time" }
        let rest = phases.dropFirst().map { "\($0.name) \(Self.milliseconds($0.nanoseconds))" }
        return Self.milliseconds(total.nanoseconds) + (rest.isEmpty ? "" : " (" + rest.joined(separator: ", ") + ")")
    }

    static func milliseconds(_ nanoseconds: UInt64) -> String {
        String(format: "%.3f ms", Double(nanoseconds) / 1e6)
    }
}

/// The answer to `status\n` on the update port, one line of `key=value` words, the reason
/// last (it may hold spaces):
/// `status port=update version=2 arch=x86_64 trial=none known-good=1 updates=3 uptime-ms=81234
/// outcome=rolled-back outcome-label=3 downtime-ns total=… save=… … reason=the service …`;
/// `port` says which listener answered (`update` or `known-good`).
enum StatusLine {
    static func text(port role: UpdateListener.Role) -> String {
        let trial: StaticString = switch Trial.purpose {
        case .update?: "update"
        case .rollback?: "rollback"
        case nil: "none"
        }
        let knownGood = RollbackSlot.image.map { ImageVersion.label(in: $0) ?? "unlabelled" } ?? "none"
        let fields: [(StaticString, String)] = [
            ("port", role == .update ? "update" : "known-good"), ("version", ImageVersion.label), ("arch", Arch.name.description), ("trial", trial.description),
            ("known-good", knownGood), ("updates", String(UpdateHistory.updates)),
            ("uptime-ms", String(UpdateHistory.uptime / 1_000_000)), ("outcome", UpdateHistory.outcomeName.description),
            ("outcome-label", UpdateHistory.label),
        ]
        var line = "status"
        for (key, value) in fields {
            line += " "
            line += key.description
            line += "="
            line += value
        }
        line += " "
        line += UpdateDowntime.last?.summary ?? "downtime-ns none"
        line += " reason="
        line += UpdateHistory.reason
        line += "\n"
        return line
    }
}

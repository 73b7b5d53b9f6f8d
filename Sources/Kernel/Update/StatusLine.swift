import LiveUpdate

/// The answer to `status\n` on the update port, one line of `key=value` words, the reason
/// last (it may hold spaces):
/// `status port=update version=2 arch=x86_64 trial=none known-good=1 updates=3 uptime-ms=81234
/// outcome=rolled-back outcome-label=3 downtime-ns total=… save=… … reason=the service …`;
/// `port` says which listener answered (`update` or `known-good`).
enum StatusLine {
    static func text(port role: UpdateListener.Role) -> [UInt8] {
        var line = TextBuilder("status port=")
        line.add(role == .update ? "update" : "known-good")
        line.add(" version="); line.add(string: ImageVersion.label)
        line.add(" arch="); line.add(Arch.name)
        line.add(" trial=")
        switch Trial.purpose {
        case .update?: line.add("update")
        case .rollback?: line.add("rollback")
        case nil: line.add("none")
        }
        line.add(" known-good=")
        if let image = RollbackSlot.image {
            if let label = ImageVersion.label(in: image) { line.add(string: label) } else { line.add("unlabelled") }
        } else {
            line.add("none")
        }
        line.add(" updates="); line.add(UInt64(UpdateHistory.updates))
        line.add(" uptime-ms="); line.add(UpdateHistory.uptime / 1_000_000)
        line.add(" outcome="); line.add(UpdateHistory.outcomeName)
        line.add(" outcome-label="); line.add(string: UpdateHistory.label)
        line.add(" ")
        UpdateDowntime.addSummary(to: &line)
        line.add(" reason="); line.add(string: UpdateHistory.reason)
        line.add("\n")
        return line.bytes
    }
}

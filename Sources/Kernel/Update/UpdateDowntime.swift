import LiveUpdate

/// How long the service was down during the update that started this kernel, phase by phase.
/// Both kernels read the same free-running counter (TSC, ARM generic counter), so the old
/// kernel's readings in the soft-reset block and the new kernel's own line up.
struct UpdateDowntime {
    struct Phase {
        let name: StaticString
        let nanoseconds: UInt64
    }

    /// stop -> saved -> hand-over -> new entry -> service start -> state restored -> serving.
    let phases: [Phase]

    var total: UInt64 { phases.reduce(0) { $0 + $1.nanoseconds } }

    nonisolated(unsafe) private static var restoredCounter: UInt64 = 0
    /// The downtime of the update that started this kernel, once its service serves again.
    nonisolated(unsafe) private(set) static var last: UpdateDowntime?

    /// The service has restored its state from the storage area.
    static func stateRestored() { restoredCounter = Arch.counter() }

    /// The service serves again: the downtime ends. Printing is left to the caller.
    @inline(never)          // where `liu bench update --profile` stops counting
    static func serviceResumed() {
        guard let block = SoftResetBoot.block, block.stopCounter != 0, last == nil else { return }
        let serving = Arch.counter()
        let serviceStart = BootTimeline.lastCounter ?? serving
        let restored = restoredCounter == 0 ? serviceStart : restoredCounter
        let marks: [(StaticString, UInt64)] = [
            ("save", block.savedCounter), ("hand-over", block.handoverCounter), ("stub+entry", Arch.bootEntryCounter),
            ("boot", serviceStart), ("restore", restored), ("reopen", serving),
        ]
        var previous = block.stopCounter
        let downtime = UpdateDowntime(phases: marks.map { name, counter in
            defer { previous = counter }
            return Phase(name: name, nanoseconds: Clock.nanoseconds(counterTicks: counter &- previous))
        })
        last = downtime
    }

    /// "update: downtime 1.234 ms (save 0.010 ms, hand-over ...)".
    func print() {
        Console.write("update: downtime ")
        Console.writeMilliseconds(nanoseconds: total)
        Console.write(" (")
        for (index, phase) in phases.enumerated() {
            if index > 0 { Console.write(", ") }
            Console.write(phase.name)
            Console.put(32)
            Console.writeMilliseconds(nanoseconds: phase.nanoseconds)
        }
        Console.write(")\n")
    }

    /// "downtime-ns total=N save=N ..." for a status port.
    var summary: String { TextBuilder.string { addSummary(to: &$0) } }

    func addSummary(to text: inout TextBuilder) {
        text.add("downtime-ns total=")
        text.add(total)
        for phase in phases {
            text.add(" ")
            text.add(phase.name)
            text.add("=")
            text.add(phase.nanoseconds)
        }
    }

    /// The last update's `summary`, or "downtime-ns none".
    static func addSummary(to text: inout TextBuilder) {
        if let last { last.addSummary(to: &text) } else { text.add("downtime-ns none") }
    }
}

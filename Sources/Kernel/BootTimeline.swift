/// Counter readings at the end of each boot stage, printed under "boot timeline" like the
/// IncludeOS OS::start table. Fixed storage: stages are recorded before the heap exists.
enum BootTimeline {
    struct Stage {
        var name: StaticString
        var counter: UInt64
        var skipped: Bool
    }

    static let capacity = 16
    nonisolated(unsafe) private static var stages = InlineArray<16, Stage>(
        repeating: Stage(name: "", counter: 0, skipped: false))
    nonisolated(unsafe) private(set) static var count = 0

    static func record(_ name: StaticString, skipped: Bool = false) {
        guard count < capacity else { return }
        stages[count] = Stage(name: name, counter: Arch.counter(), skipped: skipped)
        count += 1
    }

    /// The counter at the end of the last recorded stage ("service start" once services run).
    static var lastCounter: UInt64? { count == 0 ? nil : stages[count - 1].counter }

    /// Nanoseconds from the kernel's entry to the end of the last recorded stage.
    static var total: UInt64 {
        count == 0 ? 0 : Clock.nanoseconds(counterTicks: stages[count - 1].counter &- Arch.bootEntryCounter)
    }

    static func print() {
        Console.write("boot timeline (")
        Console.write(Arch.name)
        Console.write(", counter ")
        Console.writeDecimal(Clock.counterHz / 1000)
        Console.write(" kHz):\n")
        var previous = Arch.bootEntryCounter
        for index in 0..<count {
            let stage = stages[index]
            Console.write("  ")
            Console.write(stage.name)
            var pad = 28 - stage.name.utf8CodeUnitCount
            while pad > 0 { Console.put(32); pad -= 1 }
            Console.writeMilliseconds(nanoseconds: Clock.nanoseconds(counterTicks: stage.counter &- previous))
            Console.write("  at ")
            Console.writeMilliseconds(nanoseconds: Clock.nanoseconds(counterTicks: stage.counter &- Arch.bootEntryCounter))
            if stage.skipped { Console.write("  (skipped)") }
            Console.newline()
            previous = stage.counter
        }
        Console.write("  entry to service: ")
        Console.writeMilliseconds(nanoseconds: total)
        Console.newline()
    }
}

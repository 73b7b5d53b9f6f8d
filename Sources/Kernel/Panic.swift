/// Exit statuses a test harness reads from the hypervisor (see `Arch.exit`).
enum ExitStatus: UInt8 {
    case success = 0
    case failure = 1
    case panic = 2
}

/// The one path every fatal error goes through. It must work with a broken heap, so it
/// prints with `Console` only. A second panic while the first is being handled (the panic
/// path itself faulted) hard-resets instead of looping.
enum Panic {
    nonisolated(unsafe) private(set) static var depth = 0
    /// Test hook: make the panic path itself fault, to exercise the hard reset.
    nonisolated(unsafe) static var faultInsidePanic = false

    static func enter(_ message: StaticString) -> Never {
        Arch.disableInterrupts()
        depth += 1
        if depth > 1 {
            Console.write("\nPANIC inside the panic path: hard reset\n")
            Arch.hardReset()
        }
        Console.release()
        Console.write("\nPANIC: ")
        Console.write(message)
        Console.newline()
        if faultInsidePanic { causeFault(.invalidInstruction) }
        Trial.failed("panic", detail: message)
        Arch.exit(.panic)
    }
}

func panic(_ message: StaticString) -> Never {
    Panic.enter(message)
}

/// The kinds of CPU fault the test services can trigger on every architecture; the raw
/// value selects the instruction in each architecture's `liu_cause_fault`.
enum TestFault: Int32 {
    case invalidInstruction = 0
    case divideByZero = 1
    case invalidMemoryAccess = 2
}

func causeFault(_ kind: TestFault) -> Never {
    causeFaultInstruction(kind.rawValue)
    panic("the test fault did not fault")
}

import Liu
import Testing

/// What every boot case must show; shared by the TCG and KVM suites.
enum BootChecks {
    static func helloServiceBoots(_ boot: BootCase) throws {
        let run = try boot.boot("")
        #expect(run.exit == .status(0), "\(run.exit)\n\(run.serialOutput)")
        #expect(run.serialOutput.contains("hello from swift-liveupdate on \(boot.target.rawValue)"))
        #expect(run.serialOutput.contains("boot timeline"))
        for stage in ["entry code", "console", "boot info + memory map", "heap", "exception handlers",
                      "timer calibration", "interrupts + timer", "service start", "entry to service"] {
            #expect(run.serialOutput.contains(stage), "boot timeline lacks \(stage)")
        }
    }

    @discardableResult
    static func selfTestPasses(_ boot: BootCase, _ name: String) throws -> QEMURun {
        let run = try boot.selfTest(name)
        #expect(run.exit == .status(0), "\(run.exit)\n\(run.serialOutput)")
        #expect(run.serialOutput.contains("PASS:"), "\(run.serialOutput)")
        return run
    }

    /// A deliberate CPU fault is reported with its kind and address and ends in a panic.
    static func faultIsReported(_ boot: BootCase, _ test: String, mentions description: String) throws {
        let run = try boot.selfTest(test)
        #expect(run.exit == .status(2), "\(run.exit)\n\(run.serialOutput)")
        #expect(run.serialOutput.contains("CPU exception"), "\(run.serialOutput)")
        #expect(run.serialOutput.contains(description), "\(run.serialOutput)")
        #expect(run.serialOutput.contains("PANIC: CPU exception"))
    }

    static func panicInPanicResets(_ boot: BootCase) throws {
        let run = try boot.selfTest("panic-in-panic")
        #expect(run.exit == .resetOrPowerOff, "\(run.exit)\n\(run.serialOutput)")
        #expect(run.serialOutput.contains("PANIC inside the panic path: hard reset"), "\(run.serialOutput)")
    }

    static func invalidInstructionName(_ target: KernelTarget) -> String {
        target == .aarch64 ? "undefined instruction" : "invalid opcode"
    }

    static func memoryFaultName(_ target: KernelTarget) -> String {
        switch target {
        case .i686: "general protection fault"
        case .x86_64: "general protection fault"
        case .aarch64: "data abort"
        }
    }
}

extension BootChecks {
    /// An x86_64 kernel that updates or rolls back to an x86_64 image stays in long mode: each
    /// soft-reset line in `log` says the new kernel came in at its 64-bit entry, none that it
    /// fell back to the 32-bit one (paging off, emulated instruction by instruction under
    /// kvm-pvm). Returns how many soft resets the log shows; other targets have no such line.
    @discardableResult
    static func softResetsStayedInLongMode(_ log: String, _ boot: BootCase,
                                           sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        let resets = log.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("soft reset: block at") && $0.contains(" valid") }
        guard boot.target == .x86_64 else { return resets.count }
        let fellBack = resets.filter { !$0.hasSuffix(", entered in long mode") }
        #expect(fellBack.isEmpty, "x86_64 soft resets not entered in long mode: \(fellBack)\n\(log)", sourceLocation: sourceLocation)
        return resets.count
    }
}

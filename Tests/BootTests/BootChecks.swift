import Foundation
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
    /// Each soft-reset line in `log` shows the stub and entry the update must use. An x86_64
    /// kernel that updates or rolls back to an x86_64 image stays in long mode: the new kernel
    /// came in at its 64-bit entry, not the 32-bit one (paging off, emulated instruction by
    /// instruction under kvm-pvm). On x86 the AVX stub copied (", AVX stub": the new kernel was
    /// entered with CR4.OSXSAVE on) exactly when `expected` (default: `avxStubExpected(boot)`).
    /// Returns how many soft resets the log shows.
    @discardableResult
    static func softResetsAsExpected(_ log: String, _ boot: BootCase, avxStubExpected expected: Bool? = nil,
                                     sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        let resets = log.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("soft reset: block at") && $0.contains(" valid") }
        guard boot.target != .aarch64 else { return resets.count }
        if boot.target == .x86_64 {
            let fellBack = resets.filter { !$0.contains(" valid, entered in long mode") }
            #expect(fellBack.isEmpty, "x86_64 soft resets not entered in long mode: \(fellBack)\n\(log)", sourceLocation: sourceLocation)
        }
        let avx = expected ?? avxStubExpected(boot)
        let otherStub = resets.filter { $0.hasSuffix(", AVX stub") != avx }
        #expect(otherStub.isEmpty, "soft resets \(avx ? "not" : "wrongly") copied by the AVX stub: \(otherStub)\n\(log)",
                sourceLocation: sourceLocation)
        return resets.count
    }

    /// Where an x86 kernel must choose the AVX stub: under TCG with `-cpu max`, whose CPUID has
    /// AVX from QEMU 7.2 on; never under KVM (kvm-pvm's instruction emulator lacks AVX).
    static func avxStubExpected(_ boot: BootCase) -> Bool {
        boot.target != .aarch64 && boot.accelerator == .tcg && tcgHasAVX
    }

    /// QEMU 7.2 or later (`qemu-system-x86_64 --version`): its TCG has AVX.
    static let tcgHasAVX: Bool = {
        let version = (try? ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["qemu-system-x86_64", "--version"], timeout: 30))?.output ?? ""
        guard let range = version.range(of: "version ") else { return false }
        let numbers = version[range.upperBound...].prefix { $0.isNumber || $0 == "." }.split(separator: ".").compactMap { Int($0) }
        guard numbers.count >= 2 else { return false }
        let has = (numbers[0], numbers[1]) >= (7, 2)
        if !has { print("QEMU \(numbers) is older than 7.2: its TCG lacks AVX, so the x86 updates are not expected to use the AVX stub") }
        return has
    }()
}

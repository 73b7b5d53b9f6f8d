import Liu
import Testing

/// Every target on every machine type under TCG, which any machine can run.
@Suite("Boot under TCG")
struct TCGBootTests {
    @Test("hello service boots and prints its boot timeline", arguments: BootCase.tcg)
    func hello(_ boot: BootCase) throws { try BootChecks.helloServiceBoots(boot) }

    @Test("heap memory is reused after free", arguments: BootCase.tcg)
    func heap(_ boot: BootCase) throws { try BootChecks.selfTestPasses(boot, "heap") }

    @Test("timer interrupts advance and agree with the clock", arguments: BootCase.tcg)
    func timer(_ boot: BootCase) throws { try BootChecks.selfTestPasses(boot, "timer") }

    @Test("runtime routines: 64-bit division and shifts, memcpy/memmove/memset/memcmp", arguments: BootCase.tcg)
    func runtime(_ boot: BootCase) throws { try BootChecks.selfTestPasses(boot, "runtime") }

    @Test("storage round trip in the kernel's storage area, and the CPU's CRC32C routine against the table", arguments: BootCase.tcg)
    func storage(_ boot: BootCase) throws {
        let run = try BootChecks.selfTestPasses(boot, "storage")
        // QEMU's TCG CPUs have the CRC32C instructions on every target.
        #expect(run.serialOutput.contains("storage: CRC32C instructions agree with the table"), "\(run.serialOutput)")
    }

    @Test("SHA-512 and Ed25519 on known answers and refusals in the kernel, and a bundle's verification time", arguments: BootCase.tcg)
    func signature(_ boot: BootCase) throws {
        let run = try BootChecks.selfTestPasses(boot, "signature")
        let timing = run.serialOutput.split(whereSeparator: \.isNewline).first { $0.hasPrefix("signature: a 256 KiB bundle verifies in ") }
        #expect(timing != nil, "\(run.serialOutput)")
        print("\(boot.testDescription): \(timing ?? "no timing")")
    }

    @Test("an invalid instruction is caught and reported", arguments: BootCase.tcg)
    func invalidInstruction(_ boot: BootCase) throws {
        try BootChecks.faultIsReported(boot, "fault-invalid-instruction", mentions: BootChecks.invalidInstructionName(boot.target))
    }

    @Test("an invalid memory access is caught and reported", arguments: BootCase.tcg)
    func invalidMemoryAccess(_ boot: BootCase) throws {
        try BootChecks.faultIsReported(boot, "fault-memory", mentions: BootChecks.memoryFaultName(boot.target))
    }

    @Test("a divide error is caught on x86", arguments: BootCase.tcg.filter { $0.target != .aarch64 })
    func divideError(_ boot: BootCase) throws {
        try BootChecks.faultIsReported(boot, "fault-divide", mentions: "divide error")
    }

    @Test("a fault inside the panic path hard-resets", arguments: BootCase.tcg)
    func panicInPanic(_ boot: BootCase) throws { try BootChecks.panicInPanicResets(boot) }

    @Test("an unknown self-test fails clearly", arguments: [BootCase.tcg[0]])
    func unknownSelfTest(_ boot: BootCase) throws {
        let run = try boot.selfTest("no-such-test")
        #expect(run.exit == .status(1))
        #expect(run.serialOutput.contains("unknown self-test; the kernel has: heap, timer,"), "\(run.serialOutput)")
    }

    /// The self-tests are linked only into images built with them; the others refuse test=.
    @Test("an image without self-tests refuses test= clearly", arguments: [BootCase.tcg[0]])
    func noSelfTests(_ boot: BootCase) throws {
        let run = try boot.boot("test=heap")
        #expect(run.exit == .status(1))
        #expect(run.serialOutput.contains("test= given, but this image has no self-tests (liu build --self-tests links them)"),
                "\(run.serialOutput)")
        #expect(!run.serialOutput.contains("self-test: heap"))
    }
}

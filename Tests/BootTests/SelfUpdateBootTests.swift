import Foundation
import Liu
import Testing

/// `test=self-update`: the kernel hotswaps to the image given with -initrd (itself) and the
/// new kernel comes up by soft reset, skipping calibration and resuming the saved counter.
@Suite("Self-update under TCG")
struct SelfUpdateBootTests {
    static let cases = BootCase.tcg

    /// Where the aarch64 test places the module: QEMU virt loads `-initrd` only for Linux
    /// images, so the generic loader device puts it in RAM and the command line says where.
    static let aarch64ModuleAddress = 0x4E00_0000

    /// Boots `boot` with `module` as its boot module and `test=self-update` plus `arguments`,
    /// `qemuArguments` last on QEMU's command line.
    static func run(_ boot: BootCase, module: URL, arguments: String = "", qemuArguments: [String] = []) throws -> QEMURun {
        var configuration = QEMUConfiguration(target: boot.target, machine: boot.machine, accelerator: boot.accelerator,
                                              image: try KernelImages.selfTestImage(boot.target))
        configuration.commandLine = "test=self-update" + arguments
        if boot.target == .aarch64 {
            let size = try FileManager.default.attributesOfItem(atPath: module.path)[.size] as? Int ?? 0
            let address = "0x" + String(Self.aarch64ModuleAddress, radix: 16)
            configuration.commandLine += " liu.module=\(address) liu.module-size=\(size)"
            configuration.extraArguments = ["-device", "loader,file=\(module.path),addr=\(address),force-raw=on"]
        } else {
            configuration.extraArguments = ["-initrd", module.path]
        }
        configuration.extraArguments += qemuArguments
        return try QEMU.run(configuration, timeout: 90)
    }

    /// The "entry to service: N ms" figures in the order the kernels printed them.
    static func entryToService(_ log: String) -> [Double] {
        log.split(whereSeparator: \.isNewline).compactMap { line in
            guard let range = line.range(of: "entry to service: ") else { return nil }
            return Double(line[range.upperBound...].split(separator: " ").first ?? "")
        }
    }

    @Test("the kernel replaces itself and resumes its state", arguments: cases)
    func selfUpdate(_ boot: BootCase) throws {
        let run = try Self.run(boot, module: try KernelImages.selfTestImage(boot.target))
        let log = run.serialOutput
        #expect(run.exit == .status(0), "\(run.exit)\n\(log)")
        #expect(log.contains("self-update: saving counter 41"), "\(log)")
        let afterReset = log.components(separatedBy: "soft reset: block at").dropFirst().joined()
        #expect(!afterReset.isEmpty, "no soft reset\n\(log)")
        #expect(afterReset.contains("update: downtime"))
        #expect(BootChecks.softResetsAsExpected(log, boot) == 1)
        let calibration = afterReset.split(whereSeparator: \.isNewline).first { $0.contains("timer calibration") }
        #expect(calibration?.hasSuffix("(skipped)") == true, "\(log)")
        #expect(afterReset.contains("self-update: counter restored: 41, now 42"))
        #expect(afterReset.contains("PASS: self-update"))
        let times = Self.entryToService(log)
        #expect(times.count == 2, "\(log)")
        if times.count == 2 {
            print("self-update \(boot.testDescription): entry to service cold \(times[0]) ms, soft reset \(times[1]) ms")
        }
    }

    /// The stub that leaves long mode stays for x86_64 images without the 64-bit entry note
    /// (older builds): the module's note becomes another LIU type, which the kernel ignores.
    @Test("x86_64: an image without the 64-bit entry note is entered through the 32-bit entry",
          arguments: cases.filter { $0.target == .x86_64 })
    func withoutLongModeEntry(_ boot: BootCase) throws {
        var bytes = [UInt8](try Data(contentsOf: try KernelImages.selfTestImage(boot.target)))
        let note: [UInt8] = [4, 0, 0, 0, 8, 0, 0, 0, 2, 0, 0, 0] + Array("LIU\0".utf8)
        let found = try #require((0...(bytes.count - note.count)).first { bytes[$0..<($0 + note.count)].elementsEqual(note) })
        bytes[found + 8] = 3
        let module = FileManager.default.temporaryDirectory.appendingPathComponent("no-long-mode-entry-\(UUID().uuidString).elf")
        try Data(bytes).write(to: module)
        defer { try? FileManager.default.removeItem(at: module) }
        let log = try Self.run(boot, module: module).serialOutput
        #expect(log.contains("soft reset: block at 0x00007000 valid, entered through the 32-bit entry"), "\(log)")
        #expect(log.contains("self-update: counter restored: 41, now 42"), "\(log)")
    }

    /// The AVX stub only where CPUID has AVX: with `-cpu max,-avx` (the last -cpu counts) the
    /// kernel copies with the SSE stub (i686) or the movsq one (x86_64), and the update works.
    @Test("x86: without AVX the update falls back to a narrower stub",
          arguments: cases.filter { $0.target != .aarch64 && $0.machine == .pc })
    func withoutAVX(_ boot: BootCase) throws {
        let run = try Self.run(boot, module: try KernelImages.selfTestImage(boot.target), qemuArguments: ["-cpu", "max,-avx"])
        let log = run.serialOutput
        #expect(run.exit == .status(0), "\(run.exit)\n\(log)")
        #expect(log.contains("self-update: counter restored: 41, now 42"), "\(log)")
        #expect(BootChecks.softResetsAsExpected(log, boot, avxStubExpected: false) == 1)
    }

    @Test("an image for another architecture is refused and the old kernel goes on",
          arguments: cases)
    func wrongArchitecture(_ boot: BootCase) throws {
        let other: KernelTarget = boot.target == .x86_64 ? .i686 : .x86_64
        let run = try Self.run(boot, module: try KernelImages.image(other, "hello"))
        #expect(run.exit == .status(1), "\(run.exit)\n\(run.serialOutput)")
        #expect(run.serialOutput.contains("FAIL: the boot module is not a valid kernel image here"), "\(run.serialOutput)")
        #expect(!run.serialOutput.contains("soft reset"))
    }

    /// aarch64 still has its DTB and boots cold; x86 has no loader data left and panics.
    @Test("a damaged soft-reset block is refused", arguments: cases)
    func damagedBlock(_ boot: BootCase) throws {
        let run = try Self.run(boot, module: try KernelImages.selfTestImage(boot.target), arguments: " selfupdate.damage-block=1")
        let log = run.serialOutput
        #expect(log.contains("refused: checksum mismatch; booting as from a loader"), "\(log)")
        #expect(!log.contains("counter restored"))
        if boot.target == .aarch64 {
            #expect(run.exit == .status(0), "\(run.exit)\n\(log)")
            #expect(log.contains("PASS: damaged soft-reset block refused, cold boot instead"))
        } else {
            #expect(run.exit == .status(2), "\(run.exit)\n\(log)")
            #expect(log.contains("PANIC: boot info: neither a valid Multiboot nor a valid PVH structure"))
        }
    }

    @Test("without a boot module the test fails clearly", arguments: [cases[0]])
    func noModule(_ boot: BootCase) throws {
        let run = try boot.selfTest("self-update")
        #expect(run.exit == .status(1), "\(run.exit)\n\(run.serialOutput)")
        #expect(run.serialOutput.contains("no boot module"), "\(run.serialOutput)")
    }
}

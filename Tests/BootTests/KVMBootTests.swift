import Foundation
import Liu
import Testing

/// The x86 cases under KVM, where this machine's KVM can run them; otherwise reported as
/// skipped with the reason.
@Suite("Boot under KVM", .serialized)
struct KVMBootTests {
    static let kvmUsable = QEMU.kvmUsable
    /// kvm-pvm (see `QEMU.kvmIsSoftware`) runs the x86_64 kernel, its services, its updates and
    /// its hard reset (through a reset device, not a triple fault); the i686 kernel (32-bit,
    /// paging off, emulated throughout) needs hardware KVM.
    static let hardwareKVM = kvmUsable && !QEMU.kvmIsSoftware
    static let noKVM = "KVM skipped: /dev/kvm is missing or not accessible"
    static let pvmOnly = "skipped: this host's KVM is kvm-pvm, whose instruction emulator cannot run this case; it needs hardware KVM"

    @Test("x86_64 boots with its timeline, ticks, keeps its heap and storage, reports a CPU fault and hard-resets under KVM",
          .enabled(if: kvmUsable, Comment(rawValue: noKVM)), arguments: BootCase.kvm(.x86_64))
    func x86_64(_ boot: BootCase) throws { try Self.bootChecks(boot) }

    @Test("i686 under hardware KVM",
          .enabled(if: hardwareKVM, Comment(rawValue: kvmUsable ? "i686 " + pvmOnly : noKVM)), arguments: BootCase.kvm(.i686))
    func i686(_ boot: BootCase) throws { try Self.bootChecks(boot) }

    @Test("x86_64 live updates back and forth and rollbacks under KVM",
          .enabled(if: kvmUsable, Comment(rawValue: noKVM)), arguments: BootCase.kvm(.x86_64))
    func x86_64LiveUpdates(_ boot: BootCase) throws { try Self.updatesAndRollbacks(boot) }

    @Test("i686 live updates back and forth and rollbacks under hardware KVM",
          .enabled(if: hardwareKVM, Comment(rawValue: kvmUsable ? "i686 " + pvmOnly : noKVM)), arguments: BootCase.kvm(.i686))
    func i686LiveUpdates(_ boot: BootCase) throws { try Self.updatesAndRollbacks(boot) }

    /// Boot timeline, timer, heap, storage, a reported fault and a hard reset.
    private static func bootChecks(_ boot: BootCase) throws {
        try BootChecks.helloServiceBoots(boot)
        try BootChecks.selfTestPasses(boot, "timer")
        try BootChecks.selfTestPasses(boot, "heap")
        try BootChecks.selfTestPasses(boot, "storage")
        try BootChecks.faultIsReported(boot, "fault-invalid-instruction", mentions: "invalid opcode")
        try BootChecks.panicInPanicResets(boot)
    }

    /// Updates back and forth, the five rollback scenarios and a rollback that fails too.
    private static func updatesAndRollbacks(_ boot: BootCase) throws {
        try UpdateChannelTests().backAndForth(boot)
        try RollbackTests().rollBack(boot)
        try RollbackTests().failedRollback(boot)
    }
}

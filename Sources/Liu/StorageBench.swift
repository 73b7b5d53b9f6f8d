import Foundation
import LiveUpdate

/// `liu bench storage`: the storage benchmark on the host, then the same code inside each
/// kernel (self-test `storage-benchmark`), timed by the kernel's own clock.
enum StorageBench {
    static func run(targets: [KernelTarget], accelerator: Accelerator?) throws -> Int32 {
        let accelerators = try targets.map { try Self.accelerator(accelerator, for: $0) }
        print("host (\(hostDescription)):")
        StorageBenchmark.run(now: { DispatchTime.now().uptimeNanoseconds }) { print("  \($0)") }
        let builder = KernelBuild(packageRoot: try KernelBuild.locatePackageRoot())
        var failures: Int32 = 0
        for (target, chosen) in zip(targets, accelerators) {
            var configuration = QEMUConfiguration(target: target, machine: target.machines.last!, accelerator: chosen,
                                                  image: try builder.build(builtIn: "hello", for: target, selfTests: true))
            configuration.commandLine = "test=storage-benchmark"
            configuration.memoryMiB = 512
            let result = try QEMU.run(configuration, timeout: 600)
            print("\(target.rawValue) kernel (\(configuration.machine.rawValue), \(chosen.rawValue)):")
            let lines = result.serialOutput.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("storage benchmark: ") }
            for line in lines { print("  " + line.dropFirst("storage benchmark: ".count).trimmingCharacters(in: .whitespacesAndNewlines)) }
            if result.exit != .status(0) {
                print("  failed: \(result.exit)")
                failures += 1
            }
        }
        return failures == 0 ? 0 : 1
    }

    /// Under kvm-pvm the in-kernel benchmark ran for over 5 minutes without finishing (its
    /// emulator takes over after every exit; README, "KVM on this machine"), so it runs under
    /// TCG there unless KVM is asked for, which is refused.
    static func accelerator(_ requested: Accelerator?, for target: KernelTarget) throws -> Accelerator {
        guard QEMU.kvmIsSoftware, target != .aarch64 else { return try LiuTool.chooseAccelerator(requested, for: target) }
        if requested == .kvm {
            throw ToolFailure(description: "the in-kernel storage benchmark does not finish under kvm-pvm (this host's KVM); use --tcg, or a machine with hardware KVM")
        }
        return .tcg
    }

    private static var hostDescription: String {
        #if arch(x86_64)
        "x86_64, hardware CRC \(CRC32C.hasHardwareSupport ? "available" : "unavailable")"
        #else
        "hardware CRC \(CRC32C.hasHardwareSupport ? "available" : "unavailable")"
        #endif
    }
}

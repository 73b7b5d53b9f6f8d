import Foundation
import Liu
import Testing

/// Builds every kernel image once per test run; all boot tests share the result.
enum KernelImages {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static let built: Result<[KernelTarget: URL], ToolFailureDescription> = {
        let builder = KernelBuild(packageRoot: packageRoot)
        var images: [KernelTarget: URL] = [:]
        for target in KernelTarget.allCases {
            do { images[target] = try builder.build(target) } catch {
                return .failure(ToolFailureDescription(text: "building \(target.rawValue) failed: \(error)"))
            }
        }
        return .success(images)
    }()

    static func image(_ target: KernelTarget) throws -> URL {
        try built.get()[target]!
    }

    /// The image relabelled `label` (see `ImageLabel`), made once per label.
    static func image(_ target: KernelTarget, label: String) throws -> URL {
        _ = try built.get()
        return try KernelBuild(packageRoot: packageRoot).build(target, label: label)
    }

    /// Boots `target` with `commandLine` and returns how it ended and what it printed.
    static func boot(_ target: KernelTarget, machine: Machine, accelerator: Accelerator,
                     commandLine: String, timeout: Double = 90) throws -> QEMURun {
        var configuration = QEMUConfiguration(target: target, machine: machine, accelerator: accelerator,
                                              image: try image(target))
        configuration.commandLine = commandLine
        return try QEMU.run(configuration, timeout: timeout)
    }
}

struct ToolFailureDescription: Error, CustomStringConvertible {
    let text: String
    var description: String { text }
}

/// One way to boot: a target on a machine under an accelerator.
struct BootCase: CustomTestStringConvertible, Sendable {
    let target: KernelTarget
    let machine: Machine
    let accelerator: Accelerator

    var testDescription: String { "\(target.rawValue) \(machine.rawValue) \(accelerator.rawValue)" }

    static let tcg: [BootCase] = KernelTarget.allCases.flatMap { target in
        target.machines.map { BootCase(target: target, machine: $0, accelerator: .tcg) }
    }

    static func kvm(_ target: KernelTarget) -> [BootCase] {
        target.machines.map { BootCase(target: target, machine: $0, accelerator: .kvm) }
    }

    func boot(_ commandLine: String) throws -> QEMURun {
        try KernelImages.boot(target, machine: machine, accelerator: accelerator, commandLine: commandLine)
    }
}



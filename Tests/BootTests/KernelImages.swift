import Foundation
import Liu
import Testing

/// Builds the images of the built-in services (`Services/`) once per test run for every
/// target; all boot tests share them.
enum KernelImages {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static let built: Result<[String: URL], ToolFailureDescription> = {
        let builder = KernelBuild(packageRoot: packageRoot)
        var images: [String: URL] = [:]
        for target in KernelTarget.allCases {
            for service in KernelBuild.builtInServices {
                do { images["\(service) \(target)"] = try builder.build(builtIn: service, for: target) } catch {
                    return .failure(ToolFailureDescription(text: "building \(service) for \(target.rawValue) failed: \(error)"))
                }
            }
        }
        return .success(images)
    }()

    /// The image of the built-in `service` (`hello`, `echo` or `counter`) for `target`.
    static func image(_ target: KernelTarget, _ service: String) throws -> URL {
        try built.get()["\(service) \(target)"]!
    }

    /// The image relabelled `label` (see `ImageLabel`).
    static func image(_ target: KernelTarget, _ service: String, label: String) throws -> URL {
        _ = try built.get()
        return try KernelBuild(packageRoot: packageRoot).build(builtIn: service, for: target, label: label)
    }

    /// Boots `service` on `target` with `commandLine` and returns how it ended and what it printed.
    static func boot(_ target: KernelTarget, machine: Machine, accelerator: Accelerator, service: String = "hello",
                     commandLine: String, timeout: Double = 90) throws -> QEMURun {
        var configuration = QEMUConfiguration(target: target, machine: machine, accelerator: accelerator,
                                              image: try image(target, service))
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

    /// Boots the built-in `service` (`hello` unless named), or a self-test with `test=NAME`.
    func boot(_ commandLine: String, service: String = "hello") throws -> QEMURun {
        try KernelImages.boot(target, machine: machine, accelerator: accelerator, service: service, commandLine: commandLine)
    }
}



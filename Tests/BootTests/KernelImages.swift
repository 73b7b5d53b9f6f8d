import Foundation
import LiveUpdate
import Liu
import Testing

/// Builds the images of the built-in services (`Services/`), and hello's with the kernel's
/// self-tests, once per test run for every target; all boot tests share them.
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
            do { images["self-tests \(target)"] = try builder.build(builtIn: "hello", for: target, selfTests: true) } catch {
                return .failure(ToolFailureDescription(text: "building hello with self-tests for \(target.rawValue) failed: \(error)"))
            }
        }
        return .success(images)
    }()

    /// The image of the built-in `service` (`hello`, `echo` or `counter`) for `target`.
    static func image(_ target: KernelTarget, _ service: String) throws -> URL {
        try built.get()["\(service) \(target)"]!
    }

    /// hello's image with the kernel's self-tests (`test=NAME`), which the others leave out.
    static func selfTestImage(_ target: KernelTarget) throws -> URL {
        try built.get()["self-tests \(target)"]!
    }

    /// The image relabelled `label` (see `ImageLabel`).
    static func image(_ target: KernelTarget, _ service: String, label: String) throws -> URL {
        _ = try built.get()
        return try KernelBuild(packageRoot: packageRoot).build(builtIn: service, for: target, label: label)
    }

    /// The signed bundle of the built-in `service`'s image, what an update pushes.
    static func bundle(_ target: KernelTarget, _ service: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: KernelBuild.bundlePath(forImage: image(target, service))))
    }

    /// The signed bundle of the image relabelled `label`.
    static func bundle(_ target: KernelTarget, _ service: String, label: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: bundlePath(target, service, label: label)))
    }

    /// Where the signed bundle of the image relabelled `label` is.
    static func bundlePath(_ target: KernelTarget, _ service: String, label: String) throws -> URL {
        KernelBuild.bundlePath(forImage: try image(target, service, label: label))
    }

    /// Any bytes as the image of a bundle signed with the development key, for tests of what
    /// a kernel refuses.
    static func signed(_ image: [UInt8], for target: KernelTarget, label: String = "test", trust: ImageTrust? = nil) throws -> [UInt8] {
        try KernelBuild(packageRoot: packageRoot).bundle(of: image, for: target, label: label, trust: trust)
    }

    /// The trust note of the image at `image`, built for `target`.
    static func trust(of image: URL, _ target: KernelTarget) throws -> ImageTrust {
        try [UInt8](Data(contentsOf: image)).withUnsafeBytes { bytes throws(TrustNoteError) in
            try ImageTrust(image: bytes, architecture: target.architecture)
        }
    }

    /// Boots `service` (or the self-test image, `selfTests`) on `target` with `commandLine` and
    /// returns how it ended and what it printed.
    static func boot(_ target: KernelTarget, machine: Machine, accelerator: Accelerator, service: String = "hello",
                     selfTests: Bool = false, commandLine: String, timeout: Double = 90) throws -> QEMURun {
        var configuration = QEMUConfiguration(target: target, machine: machine, accelerator: accelerator,
                                              image: try selfTests ? selfTestImage(target) : image(target, service))
        configuration.commandLine = commandLine
        return try QEMU.run(configuration, timeout: timeout)
    }
}

/// `bytes` with one bit flipped.
func flipping(bit: Int, ofByte index: Int, in bytes: [UInt8]) -> [UInt8] {
    var flipped = bytes
    flipped[index] ^= 1 << bit
    return flipped
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

    /// Boots the built-in `service` (`hello` unless named) with `commandLine`.
    func boot(_ commandLine: String, service: String = "hello") throws -> QEMURun {
        try KernelImages.boot(target, machine: machine, accelerator: accelerator, service: service, commandLine: commandLine)
    }

    /// Boots the image with the kernel's self-tests with `test=NAME`.
    func selfTest(_ name: String) throws -> QEMURun {
        try KernelImages.boot(target, machine: machine, accelerator: accelerator, selfTests: true, commandLine: "test=\(name)")
    }
}



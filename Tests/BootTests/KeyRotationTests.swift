import Foundation
import LiveUpdate
import Liu
import Testing

/// Key rotation and the security version across live updates (docs/signing.md): a copy of the
/// counter service built to trust a new key only, at security version 5, and signed with the
/// development key that the running images trust.
@Suite("Signed updates: key rotation and downgrades", .serialized)
struct KeyRotationTests {
    /// The rotated builds, made once for all targets.
    struct Rotation: Sendable {
        /// The new key's files.
        let newKey: URL, newPublicKey: URL
        /// `rotated` (confirms) and `fail-resume` (fails its trial) per target.
        let images: [KernelTarget: [String: URL]]
    }

    static let securityVersion: UInt64 = 5

    static let rotation: Result<Rotation, ToolFailureDescription> = {
        do { return .success(try makeRotation()) } catch { return .failure(ToolFailureDescription(text: "\(error)")) }
    }()

    static func makeRotation() throws -> Rotation {
        _ = try KernelImages.image(.x86_64, "counter")  // the kernel and the development key exist
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("liu-rotation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let folder = parent.appendingPathComponent("counter")
        try FileManager.default.copyItem(at: KernelImages.packageRoot.appendingPathComponent("Services/counter"), to: folder)
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(".build"))
        let key = parent.appendingPathComponent("new")
        guard LiuTool.main(["keygen", key.path]) == 0 else { throw ToolFailureDescription(text: "liu keygen failed") }
        var builder = KernelBuild(packageRoot: KernelImages.packageRoot)
        builder.signing = BuildSigning(trustedKeys: [key.path + ".pub"], securityVersion: securityVersion)
        var images: [KernelTarget: [String: URL]] = [:]
        for target in KernelTarget.allCases {
            for label in ["rotated", "fail-resume"] {
                images[target, default: [:]][label] = try builder.build(service: folder, for: target, label: label)
            }
        }
        return Rotation(newKey: URL(fileURLWithPath: key.path + ".key"), newPublicKey: URL(fileURLWithPath: key.path + ".pub"),
                        images: images)
    }

    /// `image` in a bundle signed with the new key, its manifest stating `trust`.
    static func signedWithNewKey(_ image: URL, _ target: KernelTarget, label: String, trust: ImageTrust) throws -> [UInt8] {
        var builder = KernelBuild(packageRoot: KernelImages.packageRoot)
        builder.signing = BuildSigning(secretKey: try rotation.get().newKey.path)
        return try builder.bundle(of: [UInt8](Data(contentsOf: image)), for: target, label: label, trust: trust)
    }

    /// The bundle liu build wrote next to `image`.
    static func bundle(of image: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: KernelBuild.bundlePath(forImage: image)))
    }

    @Test("after rotating, bundles of the retired key and older security versions are refused on both ports; the new key's are installed",
          arguments: KernelTarget.allCases)
    func rotation(_ target: KernelTarget) throws {
        let rotation = try Self.rotation.get()
        let rotated = rotation.images[target]!["rotated"]!
        let rotatedTrust = try KernelImages.trust(of: rotated, target)
        #expect(rotatedTrust.securityVersion == Self.securityVersion && rotatedTrust.keys.count == 1)
        let original = try KernelImages.image(target, "counter")
        let developmentID = try KernelImages.trust(of: original, target).keyList
        let guest = try CounterGuest(target: target, machine: target.machines[0], accelerator: .tcg, image: original)
        defer { _ = guest.stop() }
        #expect(try guest.request() == "count=1 boots=1 version=1")

        #expect(try guest.push(try Self.bundle(of: rotated)).confirmedLabel == "rotated",
                "\(guest.instance.serialOutput)")
        // Printed after the downtime, so possibly after the verdict.
        for port in ["update: port 666", "rollback: port 667"] {
            #expect(guest.instance.waitForOutput("\(port) takes bundles signed by \(rotatedTrust.keyList) at security version 5 or later",
                                                 occurrences: 1, timeout: 10), "\(guest.instance.serialOutput)")
        }

        let retired = try guest.push(try KernelImages.bundle(target, "counter", label: "2"))
        #expect(retired == .refused(reason: "signed by an untrusted \(developmentID)"), "\(retired)")
        let status = try GuestStatus.fetch(host: "127.0.0.1", port: guest.updatePort)
        #expect(status.outcome == "refused" && status.outcomeLabel == "2" && status.reason == "signed by an untrusted \(developmentID)",
                "the refusal is in the update history with the bundle's label: \(status)")
        let downgrade = try Self.signedWithNewKey(original, target, label: "1", trust: ImageTrust(securityVersion: 0, keys: rotatedTrust.keys))
        #expect(try guest.push(downgrade) == .refused(reason: "security version 0 is older than the running 5"))
        #expect(try guest.registerRollback(downgrade) == .refused(reason: "security version 0 is older than the running 5"),
                "a known-good image below the security version would be a way back to it")
        #expect(try guest.request() == "count=2 boots=2 version=rotated", "the refusals left the service and its state alone")

        let resigned = try Self.signedWithNewKey(rotated, target, label: "rotated", trust: rotatedTrust)
        #expect(try guest.push(resigned).confirmedLabel == "rotated", "\(guest.instance.serialOutput)")
        #expect(try guest.request() == "count=3 boots=3 version=rotated")
    }

    @Test("a failing image of a higher security version rolls back to the known-good image below it", arguments: [KernelTarget.x86_64])
    func rollbackBelowSecurityVersion(_ target: KernelTarget) throws {
        let failing = try Self.rotation.get().images[target]!["fail-resume"]!
        let guest = try CounterGuest(target: target, machine: target.machines[0], accelerator: .tcg,
                                     image: try KernelImages.image(target, "counter"))
        defer { _ = guest.stop() }
        let knownGood = try KernelImages.bundle(target, "counter")
        #expect(try guest.registerRollback(knownGood) == .registered(bytes: knownGood.count))
        #expect(try guest.request() == "count=1 boots=1 version=1")
        let answer = try guest.push(try Self.bundle(of: failing))
        #expect(answer == .rolledBack(label: "1", reason: "the image fail-resume failed its trial: panic: the resume handler failed"),
                "\(guest.instance.serialOutput)")
        #expect(try guest.request() == "count=2 boots=2 version=1")
    }
}

import Foundation
import Liu
import Testing

/// A user's own service, as the guide has one written: `liu new` in a folder outside the
/// repository, `liu build --service` for every target, then on each target: it boots and
/// answers, is live-updated to a second build with a source file changed (its count and an open
/// connection with a half-sent line are kept), and rolls back from a third build whose
/// `restore` throws.
@Suite("A service written outside the repository", .serialized)
struct UserServiceTests {
    /// The three builds of one folder, made once for all targets.
    struct Builds: Sendable {
        let folder: URL
        let images: [KernelTarget: [URL]]
        let memoryMiB: Int
    }

    static let builds: Result<Builds, ToolFailureDescription> = {
        do { return .success(try makeBuilds()) } catch {
            return .failure(ToolFailureDescription(text: "\(error)"))
        }
    }()

    static func makeBuilds() throws -> Builds {
        _ = try KernelImages.image(.x86_64, "hello")  // the kernel is built; the service reuses it
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("liu-user-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        guard LiuTool.main(["new", "shop", "--path", parent.path]) == 0 else { throw ToolFailureDescription(text: "liu new failed") }
        let folder = parent.appendingPathComponent("shop")
        let source = folder.appendingPathComponent("Shop.swift")
        var images: [KernelTarget: [URL]] = [:]
        let throwOnRestore = ("try state.forEachEntry {", "throw StorageError.markerNotFound\n        try state.forEachEntry {")
        let confirmsItself = [("    static let port: UInt16 = 7000\n", "    static let port: UInt16 = 7000\n    static var confirmsByServing: Bool { false }\n"),
                              ("        self.system = system\n", "        self.system = system\n        system.after(milliseconds: 300) { system.confirm() }\n")]
        // Each build changes the sources of the one before: 2 a text, 3 a restore that throws,
        // 4 (x86_64 only) a service that confirms by itself 300 ms after it starts, 5 one that never does.
        let builds: [(label: String, changes: [(String, String)], targets: [KernelTarget])] = [
            ("1", [], KernelTarget.allCases), ("2", [("\"shop: request ", "\"shop: req ")], KernelTarget.allCases),
            ("3", [throwOnRestore], KernelTarget.allCases),
            ("4", [(throwOnRestore.1, throwOnRestore.0)] + confirmsItself, [.x86_64]),
            ("5", [(confirmsItself[1].1, confirmsItself[1].0)], [.x86_64]),
        ]
        for build in builds {
            for (old, new) in build.changes {
                let text = try String(contentsOf: source, encoding: .utf8)
                guard text.contains(old) else { throw ToolFailureDescription(text: "Shop.swift lacks \(old)") }
                try text.replacingOccurrences(of: old, with: new).write(to: source, atomically: true, encoding: .utf8)
            }
            for target in build.targets {
                guard LiuTool.main(["build", "--service", folder.path, "--label", build.label, "--target", target.rawValue]) == 0 else {
                    throw ToolFailureDescription(text: "liu build of version \(build.label) for \(target) failed")
                }
                images[target, default: []].append(
                    try KernelBuild(packageRoot: KernelImages.packageRoot).imagePath(service: folder, target)
                        .deletingLastPathComponent().appendingPathComponent("shop-\(build.label).elf"))
            }
        }
        return Builds(folder: folder, images: images, memoryMiB: try ServiceManifest(folder: folder).memoryMiB)
    }

    @Test("the folder builds for every target, outside the repository, reusing the kernel")
    func buildsEverywhere() throws {
        let builds = try Self.builds.get()
        #expect(!builds.folder.path.hasPrefix(KernelImages.packageRoot.path))
        for target in KernelTarget.allCases {
            for image in builds.images[target]! {
                #expect(FileManager.default.fileExists(atPath: image.path), "\(image.path)")
            }
        }
        // A further change compiles the service and links; the kernel is not compiled again.
        let steps = StepLog()
        var builder = KernelBuild(packageRoot: KernelImages.packageRoot)
        builder.progress = { steps.append($0) }
        let source = builds.folder.appendingPathComponent("LineSession.swift")
        try (try String(contentsOf: source, encoding: .utf8) + "\n").write(to: source, atomically: true, encoding: .utf8)
        try builder.build(service: builds.folder, for: .aarch64)
        #expect(steps.all == ["aarch64: compiling ServiceApp (3 Swift files)", "aarch64: linking shop.elf"])
    }

    @Test("boots, answers, keeps its state and connection through an update, rolls back from a failing resume",
          arguments: KernelTarget.allCases)
    func livesThroughUpdates(_ target: KernelTarget) throws {
        let builds = try Self.builds.get()
        let images = try builds.images[target]!.map { [UInt8](try Data(contentsOf: KernelBuild.bundlePath(forImage: $0))) }
        let guest = try ServiceGuest(target: target, machine: target.machines[0], accelerator: .tcg,
                                     image: builds.images[target]![0], tcpPorts: [ServiceTemplate.port], memoryMiB: builds.memoryMiB)
        defer { _ = guest.stop() }
        let client = try HostSocket.tcp(port: guest.hostPort(ServiceTemplate.port), timeoutSeconds: 30)
        try client.sendAll(Array("hello\n".utf8))
        #expect(try client.receiveLine() == "shop: request 1, version 1, 5 bytes")
        try client.sendAll(Array("half".utf8))

        #expect(try guest.push(images[1]).confirmedLabel == "2", "\(guest.instance.serialOutput)")
        try client.sendAll(Array("-line\n".utf8))
        #expect(try client.receiveLine() == "shop: req 2, version 2, 9 bytes", "\(guest.instance.serialOutput)")

        #expect(try guest.push(images[2]) == .rolledBack(label: "2", reason: "the image 3 failed its trial: the service could not resume its state"),
                "\(guest.instance.serialOutput)")
        try client.sendAll(Array("again\n".utf8))
        #expect(try client.receiveLine() == "shop: req 3, version 2, 5 bytes", "\(guest.instance.serialOutput)")
        let second = try HostSocket.tcp(port: guest.hostPort(ServiceTemplate.port), timeoutSeconds: 30)
        try second.sendAll(Array("x\n".utf8))
        #expect(try second.receiveLine() == "shop: req 4, version 2, 1 bytes")
    }

    @Test("a service that confirms by itself is confirmed when it says so, and rolled back when it never does")
    func explicitConfirmation() throws {
        let builds = try Self.builds.get()
        let paths = builds.images[.x86_64]!
        let guest = try ServiceGuest(target: .x86_64, machine: .pc, accelerator: .tcg, image: paths[0],
                                     tcpPorts: [ServiceTemplate.port], memoryMiB: builds.memoryMiB)
        defer { _ = guest.stop() }
        let client = try HostSocket.tcp(port: guest.hostPort(ServiceTemplate.port), timeoutSeconds: 30)
        try client.sendAll(Array("a\n".utf8))
        #expect(try client.receiveLine() == "shop: request 1, version 1, 1 bytes")
        let (confirming, silent) = try ([UInt8](Data(contentsOf: KernelBuild.bundlePath(forImage: paths[3]))),
                                        [UInt8](Data(contentsOf: KernelBuild.bundlePath(forImage: paths[4]))))
        #expect(try guest.push(confirming).confirmedLabel == "4", "\(guest.instance.serialOutput)")
        let log = guest.instance.serialOutput
        let served = try #require(log.range(of: "shop: version 4 on TCP port 7000"), "\(log)")
        #expect(log[served.upperBound...].contains("update: confirmed"), "confirmed after the service started serving, not by serving\n\(log)")
        let started = Date()
        #expect(try guest.push(silent) == .rolledBack(label: "4", reason: "the image 5 failed its trial: no confirmation before the deadline"),
                "\(guest.instance.serialOutput)")
        #expect(Date().timeIntervalSince(started) >= 5, "the manifest's confirmMilliseconds (5000) is the deadline")
        try client.sendAll(Array("b\n".utf8))
        #expect(try client.receiveLine() == "shop: req 2, version 4, 1 bytes")
    }
}

/// Progress lines collected from a build (called on the building thread).
final class StepLog: @unchecked Sendable {
    private let lock = NSLock()
    private var steps: [String] = []
    func append(_ step: String) { lock.withLock { steps.append(step) } }
    var all: [String] { lock.withLock { steps } }
}

extension HostSocket {
    /// Bytes up to a newline, without it (and without a carriage return before it).
    func receiveLine() throws -> String {
        var line: [UInt8] = []
        while true {
            let byte = try receive(count: 1)
            guard let first = byte.first else { throw SocketFailure("connection closed after '\(String(decoding: line, as: UTF8.self))'") }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }
}

/// The mistakes a service writer meets first are explained by `liu build`, where they happen.
@Suite("Build-time explanations for a service")
struct ServiceBuildErrorTests {
    /// A new service from `liu new` in a temporary folder whose answer to a line starts with
    /// `code`; the error its build fails with.
    static func buildFailure(_ name: String, answerStartsWith code: String, for target: KernelTarget) throws -> String {
        _ = try KernelImages.image(target, "hello")
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("liu-error-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: parent) }
        let folder = try ServiceTemplate.write(name: name, into: parent)
        let source = folder.appendingPathComponent("\(ServiceTemplate.typeName(name)).swift")
        let text = try String(contentsOf: source, encoding: .utf8)
        let anchor = "        requests += 1\n"
        guard text.contains(anchor) else { throw ToolFailureDescription(text: "the template changed: no '\(anchor)'") }
        try text.replacingOccurrences(of: anchor, with: code + "\n" + anchor).write(to: source, atomically: true, encoding: .utf8)
        do {
            try KernelBuild(packageRoot: KernelImages.packageRoot).build(service: folder, for: target)
        } catch {
            return "\(error)"
        }
        throw ToolFailureDescription(text: "the build of \(name) succeeded")
    }

    @Test("comparing Strings with == fails the link with what to write instead")
    func stringComparison() throws {
        let message = try Self.buildFailure("strings", answerStartsWith: """
                    if String(decoding: line, as: UTF8.self) == "reset" { requests = 0 }
            """, for: .aarch64)
        #expect(message.hasPrefix("strings (aarch64) does not link:"), "\(message)")
        #expect(message.contains("Unicode tables"), "\(message)")
        #expect(message.contains("a.utf8.elementsEqual(b.utf8)"), "\(message)")
    }

    @Test("floating point on x86 is refused at build time, naming the function", arguments: [KernelTarget.i686, .x86_64])
    func floatingPoint(_ target: KernelTarget) throws {
        let message = try Self.buildFailure("ratios", answerStartsWith: """
                    let perMille = Int(Double(line.count) / Double(requests + 1) * 1000)
                    if perMille > 1_000_000 { requests = 0 }
            """, for: target)
        #expect(message.hasPrefix("ratios uses floating point in:\n  Ratios.answer(_:)"), "\(message)")
        #expect(message.contains("HashMap (from Net, imported with Kernel) instead of Dictionary and Set"), "\(message)")
    }

    @Test("a Dictionary on x86 is refused at build time too (its capacity is computed in floating point)",
          arguments: [KernelTarget.i686, .x86_64])
    func dictionary(_ target: KernelTarget) throws {
        let message = try Self.buildFailure("lengths", answerStartsWith: """
                    var seen: [Int: Int] = [:]
                    seen[line.count, default: 0] += 1
                    if seen.count > 1_000 { requests = 0 }
            """, for: target)
        #expect(message.hasPrefix("lengths uses floating point in:\n"), "\(message)")
        #expect(message.contains("instead of Dictionary and Set"), "\(message)")
    }
}

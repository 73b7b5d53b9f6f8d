import Foundation
import Liu
import Testing

/// A network namespace holding a tap device (`tap0`, 10.77.0.1/24) for one guest (10.77.0.2):
/// QEMU and the Linux peer programs both run inside it, so no test traffic leaves it.
final class PeerNamespace {
    static let interface = "tap0"
    static let hostAddress = "10.77.0.1"
    static let guestAddress = "10.77.0.2"
    static let guestCommandLine = "ip=\(guestAddress)/24 gw=\(hostAddress)"

    let name = NetworkNamespaceNames.make("peer")

    /// Creates the namespace and its tap device, after removing those killed runs left behind;
    /// removes what it made when a step fails.
    init() throws {
        NetworkNamespaceNames.removeStale()
        try PeerCommand.run(["ip", "netns", "add", name]).check()
        do {
            for step in [["ip", "link", "set", "lo", "up"],
                         ["ip", "tuntap", "add", "dev", Self.interface, "mode", "tap"],
                         ["ip", "address", "add", "\(Self.hostAddress)/24", "dev", Self.interface],
                         ["ip", "link", "set", Self.interface, "up"]] {
                try run(step).check()
            }
        } catch {
            remove()
            throw error
        }
    }

    /// Runs a program inside the namespace.
    func run(_ arguments: [String], timeout: Double = 60) throws -> PeerCommand {
        try PeerCommand.run(["ip", "netns", "exec", name] + arguments, timeout: timeout)
    }

    /// Runs a script from Tests/BootTests/Peer under this Debian's own Python 3 inside the namespace.
    func runPython(_ script: String, _ arguments: [String], timeout: Double = 180) throws -> PeerCommand {
        try run(Self.python(script, arguments), timeout: timeout)
    }

    /// Starts a script from Tests/BootTests/Peer in the background inside the namespace.
    func startPython(_ script: String, _ arguments: [String]) throws -> PeerProcess {
        try PeerProcess(["ip", "netns", "exec", name] + Self.python(script, arguments))
    }

    private static func python(_ script: String, _ arguments: [String]) -> [String] {
        [PeerCommand.python, KernelImages.packageRoot.appendingPathComponent("Tests/BootTests/Peer/\(script)").path] + arguments
    }

    func remove() { _ = try? PeerCommand.run(["ip", "netns", "delete", name]) }

    /// Boots `boot` with the echo service on the tap device, runs `body` once the guest listens,
    /// then stops QEMU and removes the namespace, also when `body` throws. `link` starts what
    /// carries frames between QEMU and the tap device and says how QEMU reaches it; by default
    /// QEMU opens the tap device itself.
    static func withEchoGuest(_ boot: BootCase, countsInstructions: Bool = false,
                              link: (PeerNamespace) throws -> any GuestNetwork = { _ in TapNetwork(interface: interface) },
                              _ body: (PeerNamespace, QEMUInstance) throws -> Void) throws {
        let namespace = try PeerNamespace()
        defer { namespace.remove() }
        var configuration = QEMUConfiguration(target: boot.target, machine: boot.machine, accelerator: boot.accelerator,
                                              image: try KernelImages.image(boot.target, "echo"))
        configuration.commandLine = guestCommandLine
        configuration.countsInstructions = countsInstructions
        configuration.network = try link(namespace)
        configuration.launchPrefix = ["ip", "netns", "exec", namespace.name]
        let instance = try QEMU.start(configuration)
        defer {
            let run = instance.stop()
            #expect(run.exit == .timedOut, "the echo service ended: \(run.exit)\n\(run.serialOutput)")
        }
        guard instance.waitForOutput("echo: listening", timeout: 60) else {
            Issue.record("the echo service did not start:\n\(instance.serialOutput)")
            return
        }
        try body(namespace, instance)
    }

    /// Why the tests cannot run here, or nil: they need root, `ip`, tap devices and namespaces.
    static let unavailableReason: String? = {
        guard getuid() == 0 else { return "Linux peer tests skipped: they need root (network namespaces and tap devices)" }
        guard FileManager.default.fileExists(atPath: "/dev/net/tun") else { return "Linux peer tests skipped: /dev/net/tun is missing" }
        do {
            let probe = try PeerNamespace()
            probe.remove()
            return nil
        } catch {
            return "Linux peer tests skipped: cannot make a network namespace with a tap device: \(error)"
        }
    }()
}

/// A program running in the background; `stop()` ends it and returns what it printed.
final class PeerProcess {
    private let process = Process()
    private let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("peer-\(UUID().uuidString).out")

    init(_ arguments: [String]) throws {
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = process.standardOutput
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    /// Waits until the output contains `text`; false when the program ended or time ran out.
    func waitForOutput(_ text: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && process.isRunning {
            if output.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return output.contains(text)
    }

    /// SIGTERM, then SIGKILL after 2 s.
    @discardableResult
    func stop() -> String {
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: outputFile) }
        return output
    }
}

/// A finished command with its separate standard output and error.
struct PeerCommand: Error, CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    let output: String
    let errorOutput: String

    /// Debian's Python, not a pyenv shim that may not exist for root or inside `ip netns exec`.
    static let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

    var description: String {
        "`\(arguments.joined(separator: " "))` exited with \(status)\n\(output)\(errorOutput)"
    }

    /// Returns itself when the command succeeded; throws itself otherwise.
    @discardableResult
    func check() throws -> PeerCommand {
        guard status == 0 else { throw self }
        return self
    }

    /// Runs `arguments` (the first found on PATH); killed and reported with status -1 after `timeout`.
    static func run(_ arguments: [String], timeout: Double = 30) throws -> PeerCommand {
        let files = [FileManager.default.temporaryDirectory.appendingPathComponent("peer-\(UUID().uuidString).out"),
                     FileManager.default.temporaryDirectory.appendingPathComponent("peer-\(UUID().uuidString).err")]
        for file in files { FileManager.default.createFile(atPath: file.path, contents: nil) }
        defer { for file in files { try? FileManager.default.removeItem(at: file) } }
        let handles = try files.map { try FileHandle(forWritingTo: $0) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = handles[0]
        process.standardError = handles[1]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let timedOut = process.isRunning
        if timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        for handle in handles { try handle.close() }
        let texts = try files.map { String(decoding: try Data(contentsOf: $0), as: UTF8.self) }
        return PeerCommand(arguments: arguments, status: timedOut ? -1 : process.terminationStatus,
                           output: texts[0], errorOutput: texts[1])
    }

    /// The standard output as the one JSON object the peer scripts print.
    func json() throws -> [String: Any] {
        guard status == 0, let object = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
            throw self
        }
        return object
    }
}

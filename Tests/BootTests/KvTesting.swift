import Foundation
import Liu
import Testing

/// What the kv boot tests share: booting the kv service, and redis-cli sessions against it.
enum KvTesting {
    static let redisCLI = RedisBenchmark.redisCLI
    /// Why kv tests that drive Debian's redis-tools cannot run (nil when they can).
    static let missingTools: String? = redisCLI == nil || !RedisBenchmark.isInstalled
        ? "redis-cli and redis-benchmark are not installed (scripts/setup.sh installs redis-tools)" : nil

    /// Boots the kv image (or its build labelled `label`) on `target`'s first machine under
    /// TCG, runs `body`, and expects the service to be still running at the end.
    static func with(_ target: KernelTarget, label: String? = nil, commandLine: String = "", memoryMiB: Int? = nil,
                     _ body: (KvGuest) throws -> Void) throws {
        let image = try label.map { try KernelImages.image(target, "kv", label: $0) } ?? KernelImages.image(target, "kv")
        let manifest = try ServiceManifest(folder: KernelImages.packageRoot.appendingPathComponent("Services/kv"))
        let guest = try KvGuest(target: target, machine: target.machines[0], accelerator: .tcg, image: image,
                                commandLine: commandLine, memoryMiB: memoryMiB ?? manifest.memoryMiB)
        defer {
            let run = guest.stop()
            #expect(run.exit == .timedOut, "the kv service ended: \(run.exit)\n\(run.serialOutput)")
        }
        try body(guest)
    }

    /// redis-cli's answer to one command, as it prints it for a person (`--no-raw`):
    /// `OK`, `(integer) 1`, `(nil)`, `(error) ERR …`, numbered array lines.
    static func cli(_ guest: KvGuest, _ arguments: [String]) throws -> String {
        let command = guest.launchPrefix + [redisCLI!.path, "--no-raw", "-h", guest.host, "-p", "\(guest.hostPort)"] + arguments
        let child = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), command, timeout: 30)
        var output = child.output
        while output.hasSuffix("\n") { output.removeLast() }
        return output
    }

    /// Runs each command (its words split at spaces) and checks redis-cli's answer.
    static func expect(_ guest: KvGuest, _ session: [(command: String, answer: String)],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (command, answer) in session {
            let got = try cli(guest, command.split(separator: " ").map(String.init))
            #expect(got == answer, "\(command)", sourceLocation: sourceLocation)
        }
    }

    /// The elements of an array answer, without their numbers and quotes, in any order.
    static func members(_ answer: String) -> Set<String> {
        Set(answer.split(separator: "\n").filter { !$0.hasSuffix("(empty array)") }.map { line in
            var element = Substring(line.components(separatedBy: ") ").last!)
            if element.hasPrefix("\"") && element.hasSuffix("\"") { element = element.dropFirst().dropLast() }
            return String(element)
        })
    }
}

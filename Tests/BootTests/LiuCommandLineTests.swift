import Foundation
import Liu
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// README's main job with `liu` alone, as a user runs it: `liu run` with its port forwards,
/// `liu push` reporting every outcome with its exit code, `liu status`, and what happens to
/// QEMU when `liu run` is interrupted or killed. The real `liu` executable, in its own process.
@Suite("liu run, push and status end to end", .serialized)
struct LiuCommandLineTests {
    static let target = KernelTarget.x86_64

    static func bundle(_ label: String) throws -> URL { try KernelImages.bundlePath(target, "counter", label: label) }

    @Test("run -p, then push: confirmed, rolled back with its reason, refusals, a held port; status before and after")
    func pushOutcomes() throws {
        let run = try LiuProcess.start(["run", "--target", Self.target.rawValue, "--tcg", "--service",
                                        KernelImages.packageRoot.appendingPathComponent("Services/counter").path,
                                        "--append", "liu.confirm-ms=20000 liu.upload-idle-ms=3000"])
        defer { run.kill(SIGKILL) }
        let endpoints = try run.endpoints()
        #expect(run.waitForOutput("update: listening on TCP port 666"), "\(run.output)")
        let update = "127.0.0.1:\(endpoints["updates"]!)", knownGood = "127.0.0.1:\(endpoints["known-good image"]!)"

        let before = try LiuProcess.run(["status", update, "--json"])
        #expect(before.status == 0 && before.output.contains("\"version\" : \"1\"") && before.output.contains("\"knownGood\" : null"),
                "\(before)")

        let confirmed = try LiuProcess.run(["push", try Self.bundle("2").path, "--to", update])
        #expect(confirmed.status == 0, "\(confirmed)")
        #expect(confirmed.output.contains("updated to 2 in ") && confirmed.output.contains(" (confirmed)"), "\(confirmed)")
        #expect(confirmed.errors.contains("warning: the guest has no known-good image"), "\(confirmed)")

        let after = try LiuProcess.run(["status", update])
        #expect(after.status == 0 && after.output.contains("running 2 (x86_64)") && after.output.contains("known-good image: 2")
                && after.output.contains("last update: 2 confirmed"), "\(after)")

        let rolledBack = try LiuProcess.run(["push", try Self.bundle("fail-resume").path, "--to", update])
        #expect(rolledBack.status == 2, "\(rolledBack)\n\(run.output)")
        #expect(rolledBack.output.contains("rolled back to 2: the image fail-resume failed its trial: panic: the resume handler failed"),
                "\(rolledBack)")
        let afterRollback = try LiuProcess.run(["status", update, "--json"])
        #expect(afterRollback.output.contains("\"outcome\" : \"rolled-back\"") && afterRollback.output.contains("\"label\" : \"fail-resume\""),
                "\(afterRollback)")

        let wrongPort = try LiuProcess.run(["push", try Self.bundle("2").path, "--to", knownGood])
        #expect(wrongPort.status == 1 && wrongPort.errors.contains("is the guest's known-good image port"), "\(wrongPort)")
        let registered = try LiuProcess.run(["push", try Self.bundle("2").path, "--to", knownGood, "--known-good"])
        #expect(registered.status == 0 && registered.output.contains("as the known-good image"), "\(registered)")

        let garbage = FileManager.default.temporaryDirectory.appendingPathComponent("liu-garbage-\(getpid())")
        try Data(pseudoRandomBytes(count: 4000, seed: 9)).write(to: garbage)
        defer { try? FileManager.default.removeItem(at: garbage) }
        let refused = try LiuProcess.run(["push", garbage.path, "--to", update])
        #expect(refused.status == 1 && refused.output.contains("refused: not a signed bundle (no LIUB magic)"), "\(refused)")
        let unsigned = try LiuProcess.run(["push", try KernelImages.image(Self.target, "counter", label: "2").path, "--to", update])
        #expect(unsigned.status == 1 && unsigned.errors.contains("is an unsigned ELF image and kernels install only signed bundles; "
                                                                   + "push counter-2.bundle"), "\(unsigned)")
        #expect(!unsigned.output.contains("sending"), "nothing is sent: \(unsigned)")

        // Another client holds the update port with an unfinished upload: the refusal arrives
        // whole. Once the holder has sent nothing for liu.upload-idle-ms, it is dropped and the
        // slot is free again.
        let holder = try HostSocket.tcp(port: endpoints["updates"]!, timeoutSeconds: 30)
        try holder.sendAll([0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3])
        Thread.sleep(forTimeInterval: 0.5)
        let busy = try LiuProcess.run(["push", try Self.bundle("2").path, "--to", update])
        #expect(busy.status == 1 && busy.output.contains("\nrefused: another update is in progress"), "\(busy)")
        let dropped = String(decoding: try holder.receive(upTo: 200), as: UTF8.self)
        #expect(dropped.hasPrefix("refused: the upload was too slow: no data for ") && dropped.hasSuffix(" ms\n"), "\(dropped)")
        let afterStall = try LiuProcess.run(["push", try Self.bundle("2").path, "--to", update])
        #expect(afterStall.status == 0 && afterStall.output.contains("updated to 2 in "), "\(afterStall)\n\(run.output)")
        // A client that never pauses for long but crawls is dropped at the end of a window.
        let crawler = try HostSocket.tcp(port: endpoints["updates"]!, timeoutSeconds: 30)
        for byte in [0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8] as [UInt8] {
            guard (try? crawler.sendAll([byte])) != nil else { break }
            Thread.sleep(forTimeInterval: 0.25)
        }
        let crawled = String(decoding: try crawler.receive(upTo: 200), as: UTF8.self)
        #expect(crawled.hasPrefix("refused: the upload was too slow: ") && crawled.hasSuffix(", slower than 4096 bytes/s\n"), "\(crawled)")
        #expect(run.isRunning, "the service still runs\n\(run.output)")
    }

    @Test("a failing push to a guest without a known-good image is reported as a reset (exit 3)")
    func resetOutcome() throws {
        let run = try LiuProcess.start(["run", "--target", Self.target.rawValue, "--tcg", "--service",
                                        KernelImages.packageRoot.appendingPathComponent("Services/counter").path])
        defer { run.kill(SIGKILL) }
        let endpoints = try run.endpoints()
        #expect(run.waitForOutput("update: listening on TCP port 666"), "\(run.output)")
        let reset = try LiuProcess.run(["push", try Self.bundle("fail-exception").path, "--to", "127.0.0.1:\(endpoints["updates"]!)"])
        #expect(reset.status == 3, "\(reset)\n\(run.output)")
        #expect(reset.output.contains("the guest reset: "), "\(reset)")
        #expect(run.waitForExit(timeout: 30) == 125, "liu run reports the reset\n\(run.output)")
    }

    @Test("Ctrl-C stops liu run and its QEMU (exit 130); a killed liu run takes its QEMU along")
    func interruptions() throws {
        let folder = KernelImages.packageRoot.appendingPathComponent("Services/counter").path
        let interrupted = try LiuProcess.start(["run", "--target", Self.target.rawValue, "--tcg", "--service", folder])
        defer { interrupted.kill(SIGKILL) }
        #expect(interrupted.waitForOutput("update: listening on TCP port 666"), "\(interrupted.output)")
        let qemu = try #require(interrupted.qemuChild(), "no QEMU child")
        interrupted.kill(SIGINT)
        #expect(interrupted.waitForExit(timeout: 10) == 130)
        #expect(interrupted.errors.contains("liu: interrupted (SIGINT), QEMU stopped"), "\(interrupted.errors)")
        #expect(ChildProcess.awaitGone(qemu), "QEMU \(qemu) outlived the interrupted liu run")

        let killed = try LiuProcess.start(["run", "--target", Self.target.rawValue, "--tcg", "--service", folder])
        defer { killed.kill(SIGKILL) }
        #expect(killed.waitForOutput("update: listening on TCP port 666"), "\(killed.output)")
        let orphan = try #require(killed.qemuChild(), "no QEMU child")
        killed.kill(SIGKILL)
        #expect(ChildProcess.awaitGone(orphan), "QEMU \(orphan) outlived a killed liu run")
    }
}

/// The `liu` executable next to the test bundle, run as a `ChildProcess`.
enum LiuProcess {
    static var executable: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("liu")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return KernelImages.packageRoot.appendingPathComponent(".build/debug/liu")
    }

    static func start(_ arguments: [String]) throws -> ChildProcess { try ChildProcess(executable, arguments) }

    /// Runs `liu ARGUMENTS` to its end (at most two minutes).
    static func run(_ arguments: [String]) throws -> ChildProcess { try ChildProcess.run(executable, arguments) }
}

extension ChildProcess {
    /// `liu run`'s line `liu run: counter TCP 8 on 127.0.0.1:P, updates on 127.0.0.1:U, …` by role.
    func endpoints() throws -> [String: UInt16] {
        guard waitForOutput("liu run: "), let line = output.split(separator: "\n").first(where: { $0.hasPrefix("liu run: ") }) else {
            throw ToolFailureDescription(text: "no endpoints line\n\(self)")
        }
        var ports: [String: UInt16] = [:]
        for endpoint in line.dropFirst("liu run: ".count).components(separatedBy: ", ") {
            guard let on = endpoint.range(of: " on 127.0.0.1:"), let port = UInt16(endpoint[on.upperBound...]) else { continue }
            ports[String(endpoint[..<on.lowerBound])] = port
        }
        return ports
    }
}

import Foundation

/// `wrk` over keep-alive against the http service booted on a tap device in a namespace of
/// its own (`ServiceGuest(tap:)`), with live updates pushed during the load, alternating between
/// images. Used by `liu bench http` and the boot tests.
public enum HttpLoad {
    public struct Outcome: Sendable {
        public let wrk: WrkReport
        /// One per update pushed, in order; the run stops at the first that is not confirmed.
        public let answers: [Push.Answer]
        /// Wall-clock seconds of the whole load, updates included.
        public let seconds: Double
        public let serialOutput: String
    }

    /// Boots `images[0]` (an image; its bundle sits next to it) and runs `wrk -c connections -t
    /// threads --latency` on `/`: for `seconds` without updates, or until `updates` updates
    /// (images[1], images[0], … alternately) are confirmed, then one second more. wrk's timeout
    /// is 10 s, not its 2 s: under TCG on a busy machine a request can wait longer than 2 s
    /// without being lost, and the maximum latency still tells.
    public static func run(target: KernelTarget, machine: Machine, accelerator: Accelerator, images: [URL], updates: Int,
                           seconds: Int = 10, connections: Int = 64, threads: Int = 2, memoryMiB: Int = 256) throws -> Outcome {
        let bundles = try images.map { [UInt8](try Data(contentsOf: KernelBuild.bundlePath(forImage: $0))) }
        let guest = try ServiceGuest(target: target, machine: machine, accelerator: accelerator, image: images[0], tcpPorts: [80],
                                     memoryMiB: memoryMiB, ready: "http: version", tap: true)
        defer { _ = guest.stop() }
        let started = Date()
        let duration = updates > 0 ? 3600 : seconds
        let wrk = try ChildOutput((guest.namespace?.launchPrefix ?? []) + [try Shell.locate("wrk"), "-c", "\(connections)", "-t", "\(threads)",
                                                                           "-d", "\(duration)s", "--timeout", "10s", "--latency",
                                                                           "http://\(guest.host)/"])
        var answers: [Push.Answer] = []
        if updates > 0 {
            Thread.sleep(forTimeInterval: 1)
            for round in 1...updates {
                let answer = try guest.push(bundles[round % bundles.count])
                answers.append(answer)
                guard case .confirmed = answer else { break }
            }
            Thread.sleep(forTimeInterval: 1)
            wrk.interrupt()         // wrk prints its summary on SIGINT
        }
        let output = wrk.waitForExit(timeout: Double(seconds) + 30)
        return Outcome(wrk: WrkReport(output), answers: answers, seconds: Date().timeIntervalSince(started),
                       serialOutput: guest.instance.serialOutput)
    }
}

/// A program whose output is collected; it dies with liu (`setpriv --pdeathsig`, as QEMU).
final class ChildOutput: @unchecked Sendable {
    private let process = Process()
    private let file = FileManager.default.temporaryDirectory.appendingPathComponent("liu-child-\(UUID().uuidString).out")

    init(_ command: [String]) throws {
        FileManager.default.createFile(atPath: file.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: try Shell.locate("setpriv"))
        process.arguments = ["--pdeathsig", "KILL", "--", try Shell.locate(command[0])] + command.dropFirst()
        process.standardOutput = try FileHandle(forWritingTo: file)
        process.standardError = process.standardOutput
        process.standardInput = FileHandle.nullDevice
        // Its own thread, which lives until the program ends (the parent-death signal fires when
        // the starting thread ends), with no signal blocked: a child inherits the thread's mask,
        // and test runners block SIGINT, which wrk needs to stop and print its summary.
        let process = process
        let started = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: (any Error)?
        Thread {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            do { try process.run() } catch { failure = error }
            started.signal()
            if failure == nil { process.waitUntilExit() }
        }.start()
        started.wait()
        if let failure { throw failure }
    }

    /// Also when the run ends early (a push that throws): the program does not outlive it.
    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: file)
    }

    func interrupt() { process.interrupt() }

    /// What it printed, once it ended (killed after `timeout` seconds).
    func waitForExit(timeout: Double) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program the boot tests start (`liu`, `qemu/boot.sh`), its standard output and error in
/// files; every wait has a timeout, and `stop` ends it.
final class ChildProcess: @unchecked Sendable, CustomStringConvertible {
    let process = Process()
    private let files: [URL]

    init(_ executable: URL, _ arguments: [String]) throws {
        files = ["out", "err"].map { FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).\($0)") }
        for file in files { FileManager.default.createFile(atPath: file.path, contents: nil) }
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: files[0])
        process.standardError = try FileHandle(forWritingTo: files[1])
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit { for file in files { try? FileManager.default.removeItem(at: file) } }

    /// Runs to its end (at most `timeout` seconds, then it is killed).
    static func run(_ executable: URL, _ arguments: [String], timeout: Double = 120) throws -> ChildProcess {
        let child = try ChildProcess(executable, arguments)
        if child.waitForExit(timeout: timeout) == nil { child.stop() }
        return child
    }

    var output: String { (try? String(contentsOf: files[0], encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOf: files[1], encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }
    var processIdentifier: pid_t { process.processIdentifier }
    /// The exit status; -1 while it runs.
    var status: Int32 { process.isRunning ? -1 : process.terminationStatus }
    var description: String {
        "\(process.executableURL!.lastPathComponent) \(process.arguments!.joined(separator: " ")) -> \(status)\n\(output)\(errors)"
    }

    /// Whether standard output shows `text` within `timeout` seconds (false once it ended without).
    func waitForOutput(_ text: String, timeout: Double = 90) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output.contains(text) { return true }
            if !process.isRunning { return output.contains(text) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// The exit status, or nil if it still runs after `timeout` seconds.
    func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func kill(_ signal: Int32) { if process.isRunning { Glibc.kill(process.processIdentifier, signal) } }

    /// SIGTERM, then SIGKILL after 2 s, unless it already ended; waits for the end.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        if waitForExit(timeout: 2) == nil { kill(SIGKILL) }
        process.waitUntilExit()
    }

    /// A QEMU it started: a child process whose program is qemu-system-*.
    func qemuChild() -> pid_t? {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(processIdentifier)/task")) ?? []
        for task in tasks {
            let children = (try? String(contentsOfFile: "/proc/\(processIdentifier)/task/\(task)/children", encoding: .utf8)) ?? ""
            for pid in children.split(separator: " ").compactMap({ pid_t($0) }) {
                let command = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
                if command.hasPrefix("qemu-system") { return pid }
            }
        }
        return nil
    }

    /// Whether `pid` is gone (or a zombie) within `timeout` seconds.
    static func awaitGone(_ pid: pid_t, timeout: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
            if state == nil || state == "Z" { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }
}

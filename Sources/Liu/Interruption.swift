import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT), SIGTERM or SIGHUP while a liu command runs QEMU (run, demo, bench): every
/// process liu started is stopped, QEMU included, and liu exits 128 + the signal (130, 143,
/// 129) saying so on stderr. Foundation starts each child in its own process group, so a
/// Ctrl-C at the terminal reaches liu alone. QEMUInstance keeps its process to itself (and
/// CounterGuest, ServiceGuest and QEMU.run keep their instances), so the handler finds liu's
/// children in /proc rather than in a list of instances.
public enum Interruption {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private enum State { case running, interrupted, finishing }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var state = State.running
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Takes over SIGINT, SIGTERM and SIGHUP for the rest of the process; calling it again
    /// does nothing.
    static func install() {
        lock.lock()
        defer { lock.unlock() }
        guard sources.isEmpty else { return }
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handle(number) }
            source.resume()
            return source
        }
    }

    /// Stops liu's children, reports and ends the process, unless the command is ending already.
    private static func handle(_ signal: Int32) {
        lock.lock()
        guard state == .running else { return lock.unlock() }
        state = .interrupted
        lock.unlock()
        let children = childProcesses()
        stop(children.map(\.pid))
        let stoppedQEMU = children.contains { $0.command.hasPrefix("qemu-system") }
        FileHandle.standardError.write(Data((message(signal: signal, stoppedQEMU: stoppedQEMU) + "\n").utf8))
        Glibc.exit(exitCode(signal: signal))
    }

    /// Ends the process with `code` (main.swift), or, when a signal is being handled, leaves
    /// ending it to the handler, which exits with the signal's code.
    public static func exit(_ code: Int32) -> Never {
        lock.lock()
        if state == .running { state = .finishing }
        let interrupted = state == .interrupted
        lock.unlock()
        if interrupted { holdIfInterrupted() }
        Glibc.exit(code)
    }

    /// Whether a signal is being handled: the command's QEMU is being stopped and liu will
    /// exit; what the command would print about its end is beside the point.
    static var isInterrupted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return state == .interrupted
    }

    /// Blocks for good while a signal is being handled (the handler ends the process);
    /// returns at once otherwise.
    static func holdIfInterrupted() {
        while isInterrupted { sleep(60) }
    }

    static func exitCode(signal: Int32) -> Int32 { 128 + signal }

    static func message(signal: Int32, stoppedQEMU: Bool) -> String {
        "liu: interrupted (\(name(of: signal)))" + (stoppedQEMU ? ", QEMU stopped" : "")
    }

    static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }

    struct ChildProcess: Equatable {
        var pid: pid_t
        /// The executable's name as the kernel keeps it (15 characters at most): `qemu-system-x86`.
        var command: String
    }

    /// The running processes whose parent is `parent` (read from /proc/PID/stat).
    static func childProcesses(of parent: pid_t = getpid()) -> [ChildProcess] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry), let stat = processStat(pid), stat.parent == parent, stat.running else { return nil }
            return ChildProcess(pid: pid, command: stat.command)
        }
    }

    /// `/proc/PID/stat`: `PID (COMMAND) STATE PPID …`; the command may contain spaces and parentheses.
    private static func processStat(_ pid: pid_t) -> (command: String, parent: pid_t, running: Bool)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count >= 2, let parent = pid_t(fields[1]) else { return nil }
        // Z: ended, not yet collected by Foundation; X: being removed.
        let running = fields[0] != "Z" && fields[0] != "X"
        return (String(text[text.index(after: open)..<close]), parent, running)
    }

    /// SIGTERM to each of `pids`, then SIGKILL to those still running after `grace` seconds;
    /// returns once all have ended (or after another second).
    static func stop(_ pids: [pid_t], grace: Double = 2) {
        for pid in pids { kill(pid, SIGTERM) }
        if !awaitEnd(pids, timeout: grace) {
            for pid in pids where isRunning(pid) { kill(pid, SIGKILL) }
            _ = awaitEnd(pids, timeout: 1)
        }
    }

    private static func awaitEnd(_ pids: [pid_t], timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !pids.contains(where: isRunning) { return true }
            usleep(2_000)
        }
        return !pids.contains(where: isRunning)
    }

    private static func isRunning(_ pid: pid_t) -> Bool {
        processStat(pid)?.running ?? false
    }
}

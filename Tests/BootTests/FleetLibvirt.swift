import Foundation
import Liu
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// libvirtd for the fleet tests: the one that runs, else one the tests start (`libvirtd -d -p
/// PIDFILE`; there is no systemd here) and stop when they are done. A libvirtd that a killed
/// test run started is found by its pid file and counts as the tests' own.
enum FleetLibvirt {
    static let uri = "qemu:///system"
    static let pidFile = "/run/liu-fleet-tests-libvirtd.pid"

    /// Why the fleet tests cannot run here (not root, no libvirt), or nil. libvirtd is started
    /// by the tests themselves (`ensureRunning`): conditions are evaluated for tests that are
    /// then filtered out too, and those would not stop it.
    static let unavailableReason: String? = {
        guard getuid() == 0 else { return "fleet tests skipped: they need root (libvirt's \(uri))" }
        for tool in ["libvirtd", "virsh"] where !["/usr/sbin", "/usr/bin", "/sbin", "/bin"].contains(where: {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }) {
            return "fleet tests skipped: \(tool) is not installed (scripts/setup.sh installs libvirt)"
        }
        return nil
    }()

    /// Starts libvirtd unless it answers; nil once it does, else why not.
    static func start() -> String? {
        if answers() { return nil }
        // Not through Foundation's Process: the daemon inherits the descriptor Process watches
        // for the end of its child, so waitUntilExit would wait for the daemon.
        let status = system("/usr/sbin/libvirtd -d -p \(pidFile) </dev/null >/dev/null 2>&1")
        guard status == 0 else { return "fleet tests skipped: libvirtd -d -p \(pidFile) failed (status \(status))" }
        // The first start probes each QEMU for about 12 s.
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            if answers() { return nil }
            usleep(200_000)
        }
        return "fleet tests skipped: libvirtd started but \(uri) did not answer within 90 s"
    }

    /// libvirtd answers, started if need be; the test is skipped (cancelled, with the reason)
    /// when it cannot start.
    static func ensureRunning() throws {
        if let reason = start() { try Test.cancel(Comment(rawValue: reason)) }
    }

    private static func answers() -> Bool {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/virsh")
        probe.arguments = ["-c", uri, "version"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }

    /// The libvirtd the tests started (its pid file names a running libvirtd), if any.
    static var startedDaemon: pid_t? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
              let command = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8), command.hasPrefix("libvirtd") else { return nil }
        return pid
    }

    /// Stops the libvirtd the tests started; one that ran before them is left alone. libvirt
    /// 9.0 here may not end on SIGTERM after domains ran (its threads wait on each other), so
    /// SIGKILL follows; no domain runs by then.
    static func stopIfStarted() {
        guard let pid = startedDaemon else { return }
        kill(pid, SIGTERM)
        if !ChildProcess.awaitGone(pid, timeout: 5) {
            kill(pid, SIGKILL)
            _ = ChildProcess.awaitGone(pid, timeout: 5)
        }
        try? FileManager.default.removeItem(atPath: pidFile)
    }

    /// Domains (by name) whose name starts with `prefix`, running or not.
    static func domains(prefix: String) throws -> [String] {
        let list = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/virsh"), ["-c", uri, "list", "--all", "--name"], timeout: 30)
        return list.output.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
    }

    /// QEMU processes whose command line names a domain starting with `prefix` (`-name guest=NAME`).
    static func qemuProcesses(prefix: String) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return words.first?.contains("qemu-system") == true && words.contains { $0.hasPrefix("guest=\(prefix)") } ? pid : nil
        }
    }

    /// The bridges of this machine (`ip -o link show type bridge`), by name.
    static func bridges() throws -> Set<String> {
        let list = try ChildProcess.run(URL(fileURLWithPath: "/usr/sbin/ip"), ["-o", "link", "show", "type", "bridge"], timeout: 30)
        return Set(list.output.split(separator: "\n").compactMap { $0.split(separator: ":").dropFirst().first?.trimmingCharacters(in: .whitespaces) })
    }
}

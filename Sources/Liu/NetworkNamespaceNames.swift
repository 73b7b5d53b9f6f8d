import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Names of the network namespaces liu and the tests make (`liu-PURPOSE-PID-RANDOM`), and the
/// removal of those a killed run left behind: a namespace outlives the process that made it,
/// so each new one first deletes every `liu-` namespace whose maker no longer runs.
public enum NetworkNamespaceNames {
    /// A fresh name for `purpose` ("peer", "http"), carrying this process's id.
    public static func make(_ purpose: String) -> String {
        "liu-\(purpose)-\(getpid())-" + UUID().uuidString.prefix(6).lowercased()
    }

    /// Deletes the namespaces of dead makers; returns their names. Namespaces named otherwise
    /// are left alone, and so are those with processes still inside.
    @discardableResult
    public static func removeStale() -> [String] {
        guard let list = try? Shell.run("ip", ["netns", "list"]) else { return [] }
        var removed: [String] = []
        for line in list.split(whereSeparator: \.isNewline) {
            guard let name = line.split(separator: " ").first.map(String.init), isStale(name),
                  (try? Shell.run("ip", ["netns", "pids", name]))?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? false
            else { continue }
            if (try? Shell.run("ip", ["netns", "delete", name])) != nil { removed.append(name) }
        }
        return removed
    }

    /// Whether `name` is one of ours whose maker has exited.
    static func isStale(_ name: String) -> Bool {
        let parts = name.split(separator: "-")
        guard parts.count == 4, parts[0] == "liu", let pid = pid_t(parts[2]), pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}

import Foundation

/// One row of `liu fleet status`: libvirt's state of the guest's domain and what the kernel
/// says on its update port (`GuestStatus`).
public struct FleetGuestStatus: Sendable {
    public var guest: String
    public var domain: String
    /// `virsh domstate`: running, paused, shut off…; `absent` when there is no such domain.
    public var state: String
    public var status: GuestStatus?
    /// Why the kernel did not answer.
    public var unreachable: String?

    /// The image label the guest runs, or `-`.
    public var image: String { status?.version ?? "-" }
}

extension Fleet {
    /// Every guest's row, asked at once.
    public func status() -> [FleetGuestStatus] {
        let file = self.file
        return parallel(file.guests.count) { index in
            let guest = file.guests[index]
            let domain = file.domainName(guest)
            let state = (try? Virsh.run(guest.uri, ["domstate", domain]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? "absent"
            do {
                let status = try GuestStatus.fetch(host: Self.address(guest, RunNetwork.updatePort), port: guest.updatePort, timeoutSeconds: 5)
                return FleetGuestStatus(guest: guest.name, domain: domain, state: state, status: status)
            } catch {
                return FleetGuestStatus(guest: guest.name, domain: domain, state: state, unreachable: "\(error)")
            }
        }
    }

    /// The table `liu fleet status` prints.
    public static func table(_ rows: [FleetGuestStatus]) -> String {
        let header = ["GUEST", "DOMAIN STATE", "IMAGE", "TRIAL", "LAST UPDATE", "DOWNTIME"]
        let cells = rows.map { row -> [String] in
            guard let status = row.status else { return [row.guest, row.state, "-", "-", "unreachable", "-"] }
            let last = status.outcome == "none" ? "none" : "\(status.outcome) \(status.outcomeLabel)".trimmingCharacters(in: .whitespaces)
            let downtime = status.downtime.phases.first.map { DowntimeSummary.milliseconds($0.nanoseconds) } ?? "-"
            return [row.guest, row.state, status.version, status.trial, last, downtime]
        }
        return textTable([header] + cells)
    }

    /// The rows as JSON, for scripts: each with the guest's whole `liu status --json` object.
    public static func json(_ rows: [FleetGuestStatus]) -> String {
        let objects: [[String: Any]] = rows.map { row in
            var object: [String: Any] = ["guest": row.guest, "domain": row.domain, "state": row.state]
            if let status = row.status, let parsed = try? JSONSerialization.jsonObject(with: Data(status.json.utf8)) { object["status"] = parsed }
            if let unreachable = row.unreachable { object["unreachable"] = unreachable }
            return object
        }
        return jsonText(objects)
    }
}

/// Rows of cells in columns padded to the widest cell, two blanks apart.
func textTable(_ rows: [[String]]) -> String {
    let widths = rows.reduce(into: [Int]()) { widths, row in
        for (column, cell) in row.enumerated() {
            if column < widths.count { widths[column] = max(widths[column], cell.count) } else { widths.append(cell.count) }
        }
    }
    return rows.map { row in
        row.enumerated().map { column, cell in
            column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}

/// Sorted, indented JSON text.
func jsonText(_ object: Any) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
    return String(decoding: data, as: UTF8.self)
}

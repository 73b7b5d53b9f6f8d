import Foundation

/// Carries out `liu fleet up|status|down|rollout`.
enum FleetCommand {
    static func run(_ command: LiuCommand) throws -> Int32 {
        switch command {
        case .fleetUp(let path, let attach):
            let fleet = Fleet(try FleetFile.load(path))
            let started = Date()
            let sessions = try fleet.up(attached: attach)
            print("liu fleet: up in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            guard attach else { return 0 }
            print("liu fleet: attached; Ctrl-C removes the domains")
            // The signal handler stops virsh, and libvirt destroys the domains it created.
            while sessions.allSatisfy(\.isRunning) { sleep(1) }
            Interruption.holdIfInterrupted()
            throw ToolFailure(description: "virsh ended; libvirt destroyed the domains it had created")
        case .fleetStatus(let path, let json):
            let rows = Fleet(try FleetFile.load(path)).status()
            print(json ? Fleet.json(rows) : Fleet.table(rows))
            return rows.allSatisfy { $0.status != nil } ? 0 : 1
        case .fleetDown(let path):
            try Fleet(try FleetFile.load(path)).down()
            return 0
        case .fleetRollout(let path, let options):
            let result = try Fleet(try FleetFile.load(path)).rollout(options)
            print(options.json ? Fleet.json(result) : Fleet.text(result))
            return result.report.exitCode
        default:
            preconditionFailure("not a fleet command: \(command)")
        }
    }
}

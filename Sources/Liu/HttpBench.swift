import Foundation

/// `liu bench http`: wrk against the http service on each target's first machine, once without
/// updates and once with updates during the load (`HttpLoad`); prints wrk's figures, the
/// updates confirmed and their downtime.
enum HttpBench {
    static func run(targets: [KernelTarget], accelerator: Accelerator, seconds: Int, updates: Int, connections: Int) throws -> Int32 {
        let builder = KernelBuild(packageRoot: try KernelBuild.locatePackageRoot())
        var failures: Int32 = 0
        for target in targets {
            let images = [try builder.build(builtIn: "http", for: target), try builder.build(builtIn: "http", for: target, label: "2")]
            let machine = target.machines[0]
            // KVM only where it can run the target (refused otherwise, with the reason).
            let chosen: Accelerator
            do { chosen = accelerator == .kvm ? try LiuTool.chooseAccelerator(.kvm, for: target) : .tcg } catch {
                print("\(target.rawValue): \(error)")
                failures += 1
                continue
            }
            let label = "\(target.rawValue) \(machine.rawValue) \(chosen.rawValue)"
            for updating in [0, updates] {
                do {
                    let outcome = try HttpLoad.run(target: target, machine: machine, accelerator: chosen, images: images,
                                                   updates: updating, seconds: seconds, connections: connections)
                    if !report(label, outcome, updates: updating, connections: connections) { failures += 1 }
                } catch {
                    print("\(label): failed: \(error)")
                    failures += 1
                }
            }
        }
        return failures == 0 ? 0 : 1
    }

    /// Prints one run; whether it was clean (every update confirmed, no failed request, no socket error).
    private static func report(_ label: String, _ outcome: HttpLoad.Outcome, updates: Int, connections: Int) -> Bool {
        let wrk = outcome.wrk
        guard wrk.finished else {
            print("\(label): wrk did not finish:\n\(wrk.text)")
            return false
        }
        let downtimes = outcome.answers.compactMap { answer -> Double? in
            guard case .confirmed(_, let downtime) = answer else { return nil }
            return DowntimeSummary(downtime)?.phases.first { $0.name == "total" }.map { Double($0.nanoseconds) / 1e6 }
        }.sorted()
        var line = "\(label), wrk -c \(connections) -t 2 --timeout 10s --latency"
        if updates == 0 {
            line += String(format: ", %.0f s without updates: ", outcome.seconds)
        } else {
            line += String(format: ", %.0f s during %d updates (%d confirmed", outcome.seconds, updates, downtimes.count)
            if !downtimes.isEmpty {
                line += String(format: ", downtime median %.1f ms, max %.1f ms", downtimes[downtimes.count / 2], downtimes.last!)
            }
            line += "): "
        }
        print(line + wrk.summary)
        if let refused = outcome.answers.first(where: { if case .confirmed = $0 { false } else { true } }) {
            print("  update \(outcome.answers.count): \(Push.describe(refused))")
        }
        return downtimes.count == updates && wrk.non2xx == 0 && wrk.totalSocketErrors == 0
    }
}

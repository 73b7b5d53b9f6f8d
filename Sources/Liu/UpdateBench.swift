import Foundation

/// `liu bench update`: boots the counter service and pushes N updates alternating between the
/// image labelled 1 and a copy labelled 2, checking after each that the new version serves
/// with the counter intact; prints the downtime the kernels measured (median / min / max) and
/// the median of each phase, per target, machine and accelerator.
enum UpdateBench {
    static func run(targets: [KernelTarget], machine: Machine?, accelerator: Accelerator?, runs: Int) throws -> Int32 {
        let builder = KernelBuild(packageRoot: try KernelBuild.locatePackageRoot())
        var failures: Int32 = 0
        for target in targets {
            let images = [try builder.build(builtIn: "counter", for: target), try builder.build(builtIn: "counter", for: target, label: "2")].map { url in
                (url, (try? Data(contentsOf: KernelBuild.bundlePath(forImage: url))).map { [UInt8]($0) } ?? [])
            }
            let accelerators = accelerator.map { [$0] } ?? BootBench.accelerators(for: target)
            for machine in machine.map({ [$0] }) ?? target.machines {
                guard target.machines.contains(machine) else { continue }
                for accelerator in accelerators {
                    let label = "\(target.rawValue) \(machine.rawValue) \(accelerator.rawValue)"
                    do {
                        let downtimes = try measure(target, machine, accelerator, images: images, runs: runs)
                        report(label, downtimes, imageSize: images[0].1.count)
                    } catch {
                        print("\(label): failed: \(error)")
                        failures += 1
                    }
                }
            }
        }
        return failures == 0 ? 0 : 1
    }

    /// The downtime phases of each update, after checking the state survived it.
    private static func measure(_ target: KernelTarget, _ machine: Machine, _ accelerator: Accelerator,
                                images: [(URL, [UInt8])], runs: Int) throws -> [DowntimeSummary] {
        let guest = try CounterGuest(target: target, machine: machine, accelerator: accelerator, image: images[0].0)
        defer { _ = guest.stop() }
        var downtimes: [DowntimeSummary] = []
        for round in 1...runs {
            _ = try guest.request()
            let next = images[round % 2]
            let answer = try guest.push(next.1)
            guard case .confirmed = answer else { throw Push.Failure("update \(round): \(Push.describe(answer))") }
            let status = try guest.awaitBoot(round + 1)
            let expectedVersion = round % 2 == 1 ? "2" : "1"
            guard status.version == expectedVersion, status.count == round, status.updates == round else {
                throw Push.Failure("after update \(round): version \(status.version), count \(status.count), updates \(status.updates)")
            }
            downtimes.append(status.downtime)
        }
        return downtimes
    }

    private static func report(_ label: String, _ downtimes: [DowntimeSummary], imageSize: Int) {
        let milliseconds = { (phase: String) in
            downtimes.compactMap { $0.phases.first { $0.name == phase }.map { Double($0.nanoseconds) / 1e6 } }.sorted()
        }
        let totals = milliseconds("total")
        guard !totals.isEmpty else { return print("\(label): no downtime reported") }
        let format = { (value: Double) in String(format: "%.3f", value) }
        print("\(label): \(totals.count) updates of a \(imageSize)-byte bundle, downtime median \(format(totals[totals.count / 2])) ms,"
            + " min \(format(totals.first!)) ms, max \(format(totals.last!)) ms")
        let phases = downtimes[0].phases.map(\.name).filter { $0 != "total" }
        print("  median per phase: " + phases.map { phase in
            let values = milliseconds(phase)
            return "\(phase) \(format(values[values.count / 2])) ms"
        }.joined(separator: ", "))
    }
}

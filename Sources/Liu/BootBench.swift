import Foundation

/// `liu bench boot`: cold boots of every target and machine, under TCG and (where it runs
/// the target) KVM, reporting the kernel's own "entry to service" time and QEMU's whole
/// process time, as median / min / max over the runs.
enum BootBench {
    static func run(runs: Int) throws -> Int32 {
        let builder = KernelBuild(packageRoot: try KernelBuild.locatePackageRoot())
        print("target   machine  accel  image      entry→service (median/min/max)      whole QEMU process")
        var failures: Int32 = 0
        for target in KernelTarget.allCases {
            let image = try builder.build(builtIn: "hello", for: target)
            let size = (try? FileManager.default.attributesOfItem(atPath: image.path)[.size] as? Int) ?? 0
            for machine in target.machines {
                for accelerator in accelerators(for: target) {
                    let configuration = QEMUConfiguration(target: target, machine: machine, accelerator: accelerator, image: image)
                    var kernelTimes: [Double] = [], processTimes: [Double] = []
                    for _ in 0..<runs {
                        let result = try QEMU.run(configuration, timeout: 120)
                        guard result.exit == .status(0), let milliseconds = entryToService(in: result.serialOutput) else {
                            failures += 1
                            continue
                        }
                        kernelTimes.append(milliseconds)
                        processTimes.append(result.seconds * 1000)
                    }
                    let label = "\(target.rawValue.padding(8)) \(machine.rawValue.padding(8)) \(accelerator.rawValue.padding(6)) \(String(size).padding(10))"
                    if kernelTimes.isEmpty {
                        print("\(label) failed to boot")
                    } else {
                        print("\(label) \(summary(kernelTimes).padding(35)) \(summary(processTimes))")
                    }
                }
            }
        }
        return failures == 0 ? 0 : 1
    }

    static func accelerators(for target: KernelTarget) -> [Accelerator] {
        QEMU.kvmRuns(target) ? [.tcg, .kvm] : [.tcg]
    }

    /// The kernel prints "entry to service: 12.345 ms".
    static func entryToService(in log: String) -> Double? {
        guard let range = log.range(of: "entry to service: ") else { return nil }
        let number = log[range.upperBound...].prefix { $0.isNumber || $0 == "." }
        return Double(number)
    }

    static func summary(_ values: [Double]) -> String {
        let sorted = values.sorted()
        let format = { (value: Double) in String(format: "%.3f", value) }
        return "\(format(sorted[sorted.count / 2])) / \(format(sorted.first!)) / \(format(sorted.last!)) ms"
    }
}

private extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

import Foundation

/// `liu demo`: the product's main job in one command. Boots the counter service, sends it
/// requests, pushes the signed bundles of a build labelled 2 and then of the original over TCP, showing that the
/// version changes while the counter, the boot count and the uptime go on, with the downtime
/// each kernel measured; then pushes a build whose resume fails and shows the service back on
/// the known-good image with its state. The guest's console is echoed, each line after `guest |`.
enum Demo {
    static func run(target: KernelTarget, accelerator requested: Accelerator?) throws -> Int32 {
        let builder = KernelBuild(packageRoot: try KernelBuild.locatePackageRoot())
        let images = try [builder.build(builtIn: "counter", for: target, label: "2"), builder.build(builtIn: "counter", for: target),
                          builder.build(builtIn: "counter", for: target, label: "fail-resume")]
        // kvm-pvm (software KVM) runs the service far slower than TCG: README, "KVM on this machine".
        let accelerator = try requested.map { try LiuTool.chooseAccelerator($0, for: target) }
            ?? (QEMU.kvmIsSoftware ? .tcg : LiuTool.chooseAccelerator(nil, for: target))
        print("liu demo: \(target.rawValue) on \(target.machines.last!.rawValue) under \(accelerator.rawValue)")
        let guest = try CounterGuest(target: target, machine: target.machines.last!, accelerator: accelerator,
                                     image: try builder.build(builtIn: "counter", for: target), echo: true, echoPrefix: "guest | ")
        defer { _ = guest.stop() }
        for (round, image) in images.enumerated() {
            for _ in 0..<3 { print("liu demo: request -> \(try guest.request())") }
            let bundle = KernelBuild.bundlePath(forImage: image)
            print("liu demo: pushing \(bundle.lastPathComponent)")
            let answer = try guest.push([UInt8](Data(contentsOf: bundle)))
            print("liu demo: \(Push.describe(answer))")
            switch (round, answer) {
            case (0...1, .confirmed), (2, .rolledBack): break
            default: return 1
            }
            let status = try guest.awaitBoot(round + 2)
            let downtime = status.downtime.phases.first.map { DowntimeSummary.milliseconds($0.nanoseconds) } ?? "?"
            print("liu demo: now version \(status.version), count \(status.count), boots \(status.boots), "
                + "uptime \(status.uptimeMilliseconds) ms, versions so far \(status.history.joined(separator: ",")), downtime \(downtime)")
        }
        print("liu demo: request -> \(try guest.request())")
        return 0
    }
}

import Foundation
import LiveUpdate

/// `liu bench signature`: what signed updates cost. On the host, signing and verifying a
/// 256 KiB bundle; in each kernel, the same verification (self-test `signature`: SHA-512 of
/// 256 KiB and one Ed25519 check) timed by the kernel's clock under TCG, and under QEMU's
/// instruction counter, where a nanosecond of the guest's clock is one instruction.
enum SignatureBench {
    static let bundleSize = 256 * 1024
    static let hostRuns = 20

    static func run(targets: [KernelTarget]) throws -> Int32 {
        timeOnHost()
        let builder = KernelBuild(packageRoot: try KernelBuild.locatePackageRoot())
        var failures: Int32 = 0
        for target in targets {
            for counting in [false, true] {
                var configuration = QEMUConfiguration(target: target, machine: target.machines.last!, accelerator: .tcg,
                                                      image: try builder.build(builtIn: "hello", for: target, selfTests: true))
                configuration.commandLine = "test=signature"
                configuration.countsInstructions = counting
                let result = try QEMU.run(configuration, timeout: 300)
                let label = "\(target.rawValue) \(configuration.machine.rawValue) \(counting ? "icount" : "TCG")"
                guard result.exit == .status(0), let line = result.serialOutput.split(whereSeparator: \.isNewline)
                    .first(where: { $0.hasPrefix("signature: a 256 KiB bundle verifies in ") }) else {
                    print("\(label): failed: \(result.exit)")
                    failures += 1
                    continue
                }
                let figures = line.dropFirst("signature: a 256 KiB bundle verifies in ".count)
                // Under -icount shift=0 a millisecond of the guest's clock is a million instructions.
                print("\(label): \(counting ? instructions(String(figures)) : String(figures))")
            }
        }
        return failures == 0 ? 0 : 1
    }

    /// Median times of signing and of parsing and verifying a 256 KiB bundle on the host.
    private static func timeOnHost() {
        var random = SystemRandomNumberGenerator()
        let image = (0..<bundleSize).map { _ in UInt8.random(in: 0...255, using: &random) }
        let seed = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let key = Ed25519.publicKey(seed: seed)
        var bundle: [UInt8] = []
        let signing = median(hostRuns) {
            bundle = UpdateBundle.make(image: image, architecture: ImageArchitecture.x86_64.machine, securityVersion: 1,
                                       label: "bench", signingSeed: seed, trustedKeys: [key])
        }
        var verdict = BundleVerdict.accepted
        let verifying = median(hostRuns) {
            verdict = bundle.withUnsafeBytes { bytes in
                (try? UpdateBundle(parsing: bytes))?.verify(trustedKeys: [key], architecture: ImageArchitecture.x86_64.machine,
                                                            runningSecurityVersion: 1) ?? .refused(.digestMismatch)
            }
        }
        #if DEBUG
        let build = "a debug build of liu: swift build -c release for the real figures"
        #else
        let build = "release build"
        #endif
        print("host: a 256 KiB bundle signs in \(microseconds(signing)) and verifies in \(microseconds(verifying)) "
            + "(median of \(hostRuns), \(build); \(verdict.reason))")
    }

    private static func median(_ runs: Int, _ body: () -> Void) -> UInt64 {
        let times = (0..<runs).map { _ in
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            return DispatchTime.now().uptimeNanoseconds - start
        }
        return times.sorted()[runs / 2]
    }

    private static func microseconds(_ nanoseconds: UInt64) -> String { "\(nanoseconds / 1000) µs" }

    /// "12.345 ms (SHA-512 … 1.000 ms, …)" with every millisecond figure as instructions.
    static func instructions(_ figures: String) -> String {
        var text = figures
        while let range = text.range(of: #"[0-9]+\.[0-9]{3} ms"#, options: .regularExpression) {
            // Microseconds of the guest's clock: thousands of instructions.
            let thousands = Int(text[range].dropLast(3).replacingOccurrences(of: ".", with: "")) ?? 0
            text.replaceSubrange(range, with: "\(thousands.formatted())k instructions")
        }
        return text
    }
}

import Foundation
import Liu
import Testing

/// Issue 7's failure scenarios: a known-good image is registered on port 667, then an image
/// that fails on purpose (`FaultInjection`, selected by its label) is pushed as an update. The
/// service must come back on the known-good image with its state and its open connection, or,
/// when the rollback fails
/// too, the machine must hard-reset into a fresh boot of the original image.
@Suite("Rollback under TCG", .serialized)
struct RollbackTests {
    /// One machine per target keeps the suite short; every target is covered.
    static let cases = BootCase.tcg.filter { $0.machine != .pc || $0.target == .i686 }.filter { $0.machine != .microvm || $0.target == .x86_64 }

    /// Every image here fails when started by a hotswap; fail-spin spins with interrupts off,
    /// which only the NMI (x86) or FIQ (aarch64) watchdog sees.
    /// The hangs are caught by the confirmation deadline, kept short for them; the others get a
    /// long one, so that a slow machine does not turn their failure into a missed deadline.
    static let scenarios: [(label: String, failure: String, reason: String, confirmMilliseconds: Int)] = [
        ("fail-exception", "trial failed: panic", "panic: CPU exception", 20_000),
        ("fail-resume", "PANIC: the resume handler failed", "panic: the resume handler failed", 20_000),
        ("fail-hang", "trial failed: no confirmation before the deadline", "no confirmation before the deadline", 2000),
        ("fail-heap", "PANIC: the heap grew into the storage area", "panic: the heap grew into the storage area", 20_000),
        ("fail-spin", "trial failed: no confirmation before the deadline", "no confirmation before the deadline", 2000),
    ]

    @Test("a failing update rolls back to the known-good image with the state", arguments: cases)
    func rollBack(_ boot: BootCase) throws {
        let good = try KernelImages.bundle(boot.target, "counter")
        for scenario in Self.scenarios {
            let bad = try KernelImages.bundle(boot.target, "counter", label: scenario.label)
            try boot.withCounter(commandLine: "liu.confirm-ms=\(scenario.confirmMilliseconds)") { (guest: CounterGuest) throws in
                #expect(try guest.registerRollback(good) == .registered(bytes: good.count))
                for expected in 1...3 { #expect(try guest.request() == "count=\(expected) boots=1 version=1") }
                let held = try HostSocket.tcp(port: guest.counterPort, timeoutSeconds: 30)
                try held.sendAll(Array("next\n".utf8))
                #expect(try held.receive(count: 26) == Array("count=4 boots=1 version=1\n".utf8))
                let pushed = Date()
                #expect(try guest.push(bad) == .rolledBack(label: "1", reason: "the image \(scenario.label) failed its trial: \(scenario.reason)"),
                        "\(scenario.label)\n\(guest.instance.serialOutput)")
                let status = try guest.awaitBoot(2, timeout: 60)
                let recovery = Date().timeIntervalSince(pushed)
                #expect(status.version == "1" && status.count == 4, "\(scenario.label): \(status)")
                let log = guest.instance.serialOutput
                #expect(log.contains(scenario.failure), "\(scenario.label)\n\(log)")
                #expect(log.contains("rolling back to the known-good image with the saved state"), "\(log)")
                #expect(log.contains("rollback: confirmed"), "\(log)")
                #expect(BootChecks.softResetsAsExpected(log, boot) == 2, "the update and the rollback")
                try held.sendAll(Array("next\n".utf8))
                #expect(try held.receive(count: 26) == Array("count=5 boots=2 version=1\n".utf8), "the connection survived")
                #expect(try guest.request() == "count=6 boots=2 version=1")
                print("rollback \(boot.testDescription) \(scenario.label): service back after "
                    + String(format: "%.0f ms", recovery * 1000) + " (push to answer, host clock), count and connection kept")
            }
        }
    }

    /// Two-phase commit: the image an update installed becomes the known-good image only once
    /// it confirms, so a later failing update comes back to it (not to an older one).
    @Test("a confirmed update becomes the known-good image", arguments: cases)
    func confirmedUpdateBecomesKnownGood(_ boot: BootCase) throws {
        let second = try KernelImages.bundle(boot.target, "counter", label: "2")
        let bad = try KernelImages.bundle(boot.target, "counter", label: "fail-exception")
        try boot.withCounter(commandLine: "liu.confirm-ms=2000") { (guest: CounterGuest) throws in
            #expect(try guest.request() == "count=1 boots=1 version=1")
            #expect(try guest.push(second).confirmedLabel == "2")
            #expect(try guest.awaitBoot(2).version == "2")
            #expect(try guest.push(bad) == .rolledBack(label: "2", reason: "the image fail-exception failed its trial: panic: CPU exception"))
            let status = try guest.awaitBoot(3, timeout: 60)
            #expect(status.version == "2" && status.count == 1, "\(status)\n\(guest.instance.serialOutput)")
            #expect(guest.instance.serialOutput.contains("rolling back to the known-good image with the saved state"))
        }
    }

    @Test("an update without a known-good image that fails hard-resets into the original image", arguments: cases)
    func noKnownGoodImage(_ boot: BootCase) throws {
        try expectHardReset(boot, knownGood: nil, expected: "no known-good image: hard reset")
    }

    @Test("a rollback that fails too hard-resets into the original image", arguments: cases)
    func failedRollback(_ boot: BootCase) throws {
        let bad = try KernelImages.bundle(boot.target, "counter", label: "fail-exception")
        try expectHardReset(boot, knownGood: bad, expected: "the rollback failed: hard reset")
    }

    /// Pushes the exception image; the machine must reset and boot the original image afresh.
    private func expectHardReset(_ boot: BootCase, knownGood: [UInt8]?, expected: String) throws {
        let bad = try KernelImages.bundle(boot.target, "counter", label: "fail-exception")
        let guest = try CounterGuest(target: boot.target, machine: boot.machine, accelerator: boot.accelerator,
                                     image: try KernelImages.image(boot.target, "counter"), allowReboot: true)
        defer { _ = guest.stop() }
        if let knownGood { #expect(try guest.registerRollback(knownGood) == .registered(bytes: knownGood.count)) }
        #expect(try guest.request() == "count=1 boots=1 version=1")
        let answer = try guest.push(bad)
        guard case .reset = answer else {
            Issue.record("not reported as a reset: \(answer)")
            return
        }
        #expect(guest.instance.waitForOutput(expected, timeout: 60), "\(guest.instance.serialOutput)")
        let status = try guest.awaitBoot(1, timeout: 60)
        #expect(status.count == 0 && status.boots == 1 && status.version == "1", "\(status)")
        let log = guest.instance.serialOutput
        #expect(log.components(separatedBy: "update: listening on TCP port 666").count == 3, "a fresh boot follows\n\(log)")
    }
}

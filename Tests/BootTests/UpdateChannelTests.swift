import Foundation
import LiveUpdate
import Liu
import Testing

/// The counter service with its update listener: images pushed over TCP (through QEMU user
/// networking's port forwards) are refused with a reason or swapped to, the state surviving.
@Suite("Update channel under TCG", .serialized)
struct UpdateChannelTests {
    static let cases = BootCase.tcg
    static let updatesBackAndForth = 20

    @Test("20 updates back and forth between two versions keep the state", arguments: cases)
    func backAndForth(_ boot: BootCase) throws {
        let images = try [KernelImages.bundle(boot.target, "counter"), KernelImages.bundle(boot.target, "counter", label: "2")]
        try boot.withCounter { (guest: CounterGuest) throws in
            var uptime = 0
            for round in 1...Self.updatesBackAndForth {
                let version = round % 2 == 1 ? "1" : "2"
                #expect(try guest.request() == "count=\(round) boots=\(round) version=\(version)")
                let answer = try guest.push(images[round % 2])
                #expect(answer.confirmedLabel == (round % 2 == 1 ? "2" : "1"), "update \(round): \(answer)")
                let status = try guest.awaitBoot(round + 1)
                #expect(status.version == (round % 2 == 1 ? "2" : "1"), "update \(round)")
                #expect(status.count == round && status.updates == round, "update \(round): \(status)")
                #expect(status.history == (0...round).map { $0 % 2 == 0 ? "1" : "2" }, "update \(round)")
                #expect(status.uptimeMilliseconds > uptime, "uptime goes on across updates")
                #expect(status.downtime.phases.first?.name == "total" && status.downtime.phases.count == 7, "\(status.downtime)")
                uptime = status.uptimeMilliseconds
            }
            let log = guest.instance.serialOutput
            let afterReset = log.components(separatedBy: "soft reset: block at").dropFirst()
            #expect(afterReset.count == Self.updatesBackAndForth, "\(log)")
            #expect(BootChecks.softResetsAsExpected(log, boot) == Self.updatesBackAndForth)
            let calibration = afterReset.last?.split(whereSeparator: \.isNewline).first { $0.contains("timer calibration") }
            #expect(calibration?.hasSuffix("(skipped)") == true, "\(log)")
            let downtimes = log.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("update: downtime") }
            #expect(downtimes.count == Self.updatesBackAndForth)
            print("update channel \(boot.testDescription): \(downtimes.last ?? "no downtime line")")
        }
    }

    @Test("refused bundles leave the service running with its state", arguments: cases)
    func refusedBundles(_ boot: BootCase) throws {
        let image = try [UInt8](Data(contentsOf: try KernelImages.image(boot.target, "counter")))
        let bundle = try KernelImages.bundle(boot.target, "counter", label: "2")
        let other: KernelTarget = boot.target == .x86_64 ? .i686 : .x86_64
        let otherImage = try [UInt8](Data(contentsOf: try KernelImages.image(other, "counter")))
        let signed = { (bytes: [UInt8]) in try KernelImages.signed(bytes, for: boot.target) }
        let trust = try KernelImages.trust(of: try KernelImages.image(boot.target, "counter"), boot.target)
        let stranger = [UInt8](repeating: 0x5A, count: 32)
        let strangerID = Ed25519.hex(Ed25519.keyID(publicKey: Ed25519.publicKey(seed: stranger)))
        let refusals: [(name: String, bytes: [UInt8], reason: String)] = [
            ("unsigned", image, "not a signed bundle (no LIUB magic)"),
            ("empty", [], "empty bundle"),
            ("untrusted key", UpdateBundle.make(image: image, architecture: boot.target.architecture.machine, securityVersion: 0,
                                                label: "2", signingSeed: stranger, trustedKeys: trust.keys),
             "signed by an untrusted key \(strangerID)"),
            ("wrongly signed", flipping(bit: 3, ofByte: bundle.count - 40, in: bundle), "the signature does not verify: "),
            ("altered after signing", flipping(bit: 0, ofByte: bundle.count - 64 - image.count / 2, in: bundle),
             "the image does not match its digest"),
            ("other architecture", try KernelImages.bundle(other, "counter"),
             "an image for \(other == .i686 ? "i686" : "x86_64"), this kernel runs \(boot.target.rawValue)"),
            ("other architecture's image", try signed(otherImage), "wrong architecture"),
            ("manifest stating another trust", try KernelImages.signed(image, for: boot.target, trust: ImageTrust(securityVersion: 3, keys: trust.keys)),
             "the image trusts \(trust.summary), its manifest says security version 3, "),
            ("garbage", try signed(pseudoRandomBytes(count: 5000, seed: 3)), "not an ELF file (bad magic)"),
            ("truncated", try signed(Array(image.prefix(image.count / 2))), "outside the file"),
            ("entry outside the segments", try signed(try ELFPatch.entry(image, 0x10)), "entry point"),
            ("segment beyond RAM", try signed(try ELFPatch.firstSegmentAddress(image, 0x3000_0000)), "outside RAM"),
            ("segment loaded where it is not linked", try signed(try ELFPatch.firstSegmentPhysicalAddress(image, 0x80_0000)),
             "but linked to run at "),
            // On x86 the window lies below the 1 MiB image floor.
            ("segment over the hotswap window",
             try signed(try ELFPatch.firstSegmentAddress(image, boot.target == .aarch64 ? 0x4010_0000 : 0x7000)),
             boot.target == .aarch64 ? "overlaps the hotswap window" : "outside RAM"),
        ]
        try boot.withCounter { (guest: CounterGuest) throws in
            #expect(try guest.request() == "count=1 boots=1 version=1")
            for (index, refusal) in refusals.enumerated() {
                let answer = try guest.push(refusal.bytes)
                guard case .refused(let reason) = answer else {
                    Issue.record("\(refusal.name): \(answer)")
                    continue
                }
                #expect(reason.contains(refusal.reason), "\(refusal.name): \(reason)")
                print("update channel \(boot.testDescription) \(refusal.name): refused: \(reason)")
                #expect(try guest.request() == "count=\(index + 2) boots=1 version=1", "after \(refusal.name)")
            }
            #expect(!guest.instance.serialOutput.contains("soft reset"))
        }
    }

    @Test("an update whose state does not fit the storage area is abandoned and the service goes on",
          arguments: cases.filter { $0.machine != .microvm })
    func storageTooSmall(_ boot: BootCase) throws {
        let image = try KernelImages.bundle(boot.target, "counter", label: "2")
        try boot.withCounter(commandLine: "liu.storage=0") { (guest: CounterGuest) throws in
            #expect(try guest.request() == "count=1 boots=1 version=1")
            let answer = try guest.push(image)
            guard case .abandoned(let reason) = answer else {
                Issue.record("\(answer)")
                return
            }
            #expect(reason.contains("too small"), "\(reason)")
            #expect(try guest.request() == "count=2 boots=1 version=1")
            #expect(!guest.instance.serialOutput.contains("soft reset"))
        }
    }

    @Test("liu push exits 1 on a refusal and fails clearly without a listener", arguments: [cases[0]])
    func pushExitCodes(_ boot: BootCase) throws {
        let garbage = FileManager.default.temporaryDirectory.appendingPathComponent("liu-push-garbage-\(getpid())")
        try Data(pseudoRandomBytes(count: 1000, seed: 5)).write(to: garbage)
        defer { try? FileManager.default.removeItem(at: garbage) }
        try boot.withCounter { (guest: CounterGuest) throws in
            #expect(LiuTool.main(["push", garbage.path, "--to", "127.0.0.1:\(guest.updatePort)"]) == 1)
            #expect(try guest.request() == "count=1 boots=1 version=1")
        }
        let unused = try HostSocket.freePort()
        #expect(throws: Push.Failure.self) { try Push.send([1, 2, 3], host: "127.0.0.1", port: unused) }
        #expect(LiuTool.main(["push", "/nonexistent/kernel.elf", "--to", "127.0.0.1:\(unused)"]) == 1)
    }

    @Test("liu push parses its arguments")
    func pushArguments() throws {
        #expect(try LiuCommand.parse(["push", "k.elf", "--to", "localhost:666"])
                == .push(LiuCommand.PushOptions(image: "k.elf", destination: "localhost:666")))
        #expect(try LiuCommand.parse(["push", "k.elf", "--to", "localhost:667", "--known-good", "--no-wait"])
                == .push(LiuCommand.PushOptions(image: "k.elf", destination: "localhost:667", wait: false, knownGood: true)))
        #expect(try LiuCommand.parse(["status", "localhost:666", "--json"]) == .status(destination: "localhost:666", json: true))
        #expect(throws: UsageError.self) { try LiuCommand.parse(["push", "k.elf"]) }
        #expect(throws: UsageError.self) { try LiuCommand.parse(["push", "--to", "localhost:666"]) }
        #expect(throws: UsageError.self) { try LiuCommand.parse(["push", "k.elf", "--to", "localhost"]) }
        #expect(throws: UsageError.self) { try LiuCommand.parse(["push", "k.elf", "--to", ":666"]) }
    }

    @Test("an announced image above the maximum is refused before it is sent", arguments: [cases[0]])
    func oversizedImage(_ boot: BootCase) throws {
        try boot.withCounter { (guest: CounterGuest) throws in
            let answer = try guest.push(Array(repeating: 0, count: 9 * 1024 * 1024))
            #expect(answer == .refused(reason: "a bundle of 9 MiB exceeds the maximum of 8 MiB"))
            #expect(try guest.request() == "count=1 boots=1 version=1")
        }
    }
}

extension Push.Answer {
    /// The label of the image that confirmed, with a downtime of seven phases; nil otherwise.
    var confirmedLabel: String? {
        guard case .confirmed(let label, let downtime) = self, DowntimeSummary(downtime)?.phases.count == 7 else { return nil }
        return label
    }
}

extension BootCase {
    /// Runs `body` against the counter service booted this way; the service must still be
    /// running at the end.
    func withCounter(commandLine: String = "", _ body: (CounterGuest) throws -> Void) throws {
        let guest = try CounterGuest(target: target, machine: machine, accelerator: accelerator,
                                     image: try KernelImages.image(target, "counter"), commandLine: commandLine)
        defer {
            let run = guest.stop()
            #expect(run.exit == .timedOut, "the counter service ended: \(run.exit)\n\(run.serialOutput)")
        }
        try body(guest)
    }
}

/// Valid-looking ELF images with one field changed, for refusals the validator must find.
enum ELFPatch {
    static func entry(_ image: [UInt8], _ entry: UInt64) throws -> [UInt8] {
        try patch(image, at: 24, value: entry)
    }

    /// Moves the first program header's segment (its virtual and physical address).
    static func firstSegmentAddress(_ image: [UInt8], _ address: UInt64) throws -> [UInt8] {
        try firstSegmentPhysicalAddress(try patch(image, at: firstProgramHeader(image) + (image[4] == 2 ? 16 : 8), value: address), address)
    }

    /// Moves only the first program header's physical address, where the stub would copy it.
    static func firstSegmentPhysicalAddress(_ image: [UInt8], _ address: UInt64) throws -> [UInt8] {
        try patch(image, at: firstProgramHeader(image) + (image[4] == 2 ? 24 : 12), value: address)
    }

    private static func firstProgramHeader(_ image: [UInt8]) -> Int {
        image[4] == 2 ? Int(read(image, at: 32, count: 8)) : Int(read(image, at: 28, count: 4))
    }

    private static func read(_ image: [UInt8], at offset: Int, count: Int) -> UInt64 {
        (0..<count).reduce(0) { $0 | UInt64(image[offset + $1]) << (8 * $1) }
    }

    private static func patch(_ image: [UInt8], at offset: Int, value: UInt64) throws -> [UInt8] {
        guard image.count > 64, image[0..<4] == [0x7F, 0x45, 0x4C, 0x46] else { throw ToolFailureDescription(text: "not an ELF image") }
        let width = image[4] == 2 ? 8 : 4
        var patched = image
        for index in 0..<width { patched[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        return patched
    }
}

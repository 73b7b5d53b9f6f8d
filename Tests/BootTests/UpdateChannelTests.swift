import Foundation
import Liu
import Testing

/// `service=counter` with its update listener: images pushed over TCP (through QEMU user
/// networking's port forwards) are refused with a reason or swapped to, the count surviving.
@Suite("Update channel under TCG", .serialized)
struct UpdateChannelTests {
    static let cases = BootCase.tcg.filter { $0.machine == .pc || $0.machine == .virt }

    @Test("a pushed image replaces the kernel and the counter goes on", arguments: cases)
    func pushedUpdate(_ boot: BootCase) throws {
        try CounterGuest.with(boot) { (guest: CounterGuest) throws in
            for expected in 1...3 {
                #expect(try guest.request() == "count=\(expected) boots=1 version=1")
            }
            #expect(LiuTool.main(["push", try KernelImages.image(boot.target).path, "--to", "127.0.0.1:\(guest.updatePort)"]) == 0)
            #expect(guest.instance.waitForOutput("counter: listening on TCP port 8, count=3 boots=2", timeout: 60),
                    "\(guest.instance.serialOutput)")
            #expect(try guest.request() == "count=4 boots=2 version=1")
            let log = guest.instance.serialOutput
            let afterReset = log.components(separatedBy: "soft reset: block at").dropFirst().joined()
            let calibration = afterReset.split(whereSeparator: \.isNewline).first { $0.contains("timer calibration") }
            #expect(calibration?.hasSuffix("(skipped)") == true, "\(log)")
            let listening = afterReset.split(whereSeparator: \.isNewline).first { $0.contains("from update start to counter listening") }
            #expect(listening != nil, "\(log)")
            let ownBoot = SelfUpdateBootTests.entryToService(afterReset).first.map { "new kernel's own boot \($0) ms" } ?? "no boot timeline"
            let delivered = log.split(whereSeparator: \.isNewline).first { $0.contains("update: answer delivered after") }
            #expect(delivered != nil, "\(log)")
            if let line = afterReset.split(whereSeparator: \.isNewline).first(where: { $0.contains("from update start to service") }) {
                print("update channel \(boot.testDescription): \(line); \(listening ?? ""); \(ownBoot); \(delivered ?? "")")
            } else {
                Issue.record("no update duration in the log\n\(log)")
            }
        }
    }

    @Test("refused images leave the service running with its state", arguments: cases)
    func refusedImages(_ boot: BootCase) throws {
        try CounterGuest.with(boot) { (guest: CounterGuest) throws in
            #expect(try guest.request() == "count=1 boots=1 version=1")
            let image = try [UInt8](Data(contentsOf: try KernelImages.image(boot.target)))
            let other: KernelTarget = boot.target == .x86_64 ? .i686 : .x86_64
            let otherImage = try [UInt8](Data(contentsOf: try KernelImages.image(other)))
            let refusals: [(name: String, bytes: [UInt8], reason: String)] = [
                ("garbage", pseudoRandomBytes(count: 5000, seed: 3), "not an ELF file (bad magic)"),
                ("truncated", Array(image.prefix(image.count / 2)), "outside the file"),
                ("other architecture", otherImage, "wrong"),
                ("empty", [], "empty image"),
            ]
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

    @Test("liu push exits 1 on a refusal and fails clearly without a listener", arguments: [cases[0]])
    func pushExitCodes(_ boot: BootCase) throws {
        let garbage = FileManager.default.temporaryDirectory.appendingPathComponent("liu-push-garbage-\(getpid())")
        try Data(pseudoRandomBytes(count: 1000, seed: 5)).write(to: garbage)
        defer { try? FileManager.default.removeItem(at: garbage) }
        try CounterGuest.with(boot) { (guest: CounterGuest) throws in
            #expect(LiuTool.main(["push", garbage.path, "--to", "127.0.0.1:\(guest.updatePort)"]) == 1)
            #expect(try guest.request() == "count=1 boots=1 version=1")
        }
        let unused = try HostSocket.freePort()
        #expect(throws: Push.Failure.self) { try Push.send([1, 2, 3], host: "127.0.0.1", port: unused) }
        #expect(LiuTool.main(["push", "/nonexistent/kernel.elf", "--to", "127.0.0.1:\(unused)"]) == 1)
    }

    @Test("liu push parses its arguments")
    func pushArguments() throws {
        #expect(try LiuCommand.parse(["push", "k.elf", "--to", "localhost:666"]) == .push(image: "k.elf", destination: "localhost:666"))
        #expect(throws: UsageError.self) { try LiuCommand.parse(["push", "k.elf"]) }
        #expect(throws: UsageError.self) { try LiuCommand.parse(["push", "--to", "localhost:666"]) }
        #expect(throws: UsageError.self) { try LiuCommand.parse(["push", "k.elf", "--to", "localhost"]) }
        #expect(throws: UsageError.self) { try LiuCommand.parse(["push", "k.elf", "--to", ":666"]) }
    }

    @Test("an announced image above the maximum is refused before it is sent", arguments: [cases[0]])
    func oversizedImage(_ boot: BootCase) throws {
        try CounterGuest.with(boot) { (guest: CounterGuest) throws in
            let answer = try Push.send(Array(repeating: 0, count: 9 * 1024 * 1024), host: "127.0.0.1", port: guest.updatePort)
            #expect(answer == .refused(reason: "image of 9437184 bytes exceeds the maximum of 8388608 bytes"))
            #expect(try guest.request() == "count=1 boots=1 version=1")
        }
    }
}

/// A guest running the counter service, reachable through forwarded host ports.
struct CounterGuest {
    let instance: QEMUInstance
    let counterPort: UInt16
    let updatePort: UInt16

    static func with(_ boot: BootCase, _ body: (CounterGuest) throws -> Void) throws {
        let counterPort = try HostSocket.freePort(), updatePort = try HostSocket.freePort()
        var configuration = QEMUConfiguration(target: boot.target, machine: boot.machine, accelerator: boot.accelerator,
                                              image: try KernelImages.image(boot.target))
        configuration.commandLine = "service=counter"
        configuration.network = UserNetwork(forwards: [.init(.tcp, hostPort: counterPort, guestPort: 8),
                                                       .init(.tcp, hostPort: updatePort, guestPort: 666)])
        let instance = try QEMU.start(configuration)
        defer {
            let run = instance.stop()
            #expect(run.exit == .timedOut, "the counter service ended: \(run.exit)\n\(run.serialOutput)")
        }
        guard instance.waitForOutput("update: listening on TCP port 666", timeout: 60) else {
            Issue.record("the counter service did not start:\n\(instance.serialOutput)")
            return
        }
        try body(CounterGuest(instance: instance, counterPort: counterPort, updatePort: updatePort))
    }

    /// One request on a fresh connection; the answer line without its newline.
    func request() throws -> String {
        let socket = try HostSocket.tcp(port: counterPort)
        try socket.sendAll(Array("next\n".utf8))
        var line = [UInt8]()
        while line.last != UInt8(ascii: "\n") {
            let byte = try socket.receive(count: 1)
            guard !byte.isEmpty else { break }
            line += byte
        }
        return String(decoding: line.dropLast(line.last == UInt8(ascii: "\n") ? 1 : 0), as: UTF8.self)
    }

    func push(_ image: [UInt8]) throws -> Push.Answer {
        try Push.send(image, host: "127.0.0.1", port: updatePort)
    }
}

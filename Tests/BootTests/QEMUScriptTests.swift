import Foundation
import Liu
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `qemu/boot.sh`, QEMU without liu: it builds the command liu builds from the same flags files,
/// boots every target and machine, forwards ports to 127.0.0.1 and replaces itself with QEMU.
@Suite("qemu/boot.sh", .serialized)
struct QEMUScriptTests {
    static let script = KernelImages.packageRoot.appendingPathComponent("qemu/boot.sh")

    @Test("the hello image boots and exits with status 0 (QEMU exit code 3)", arguments: BootCase.tcg)
    func hello(_ boot: BootCase) throws {
        let image = try KernelImages.image(boot.target, "hello")
        let script = try ChildProcess(Self.script, [boot.target.rawValue, boot.machine.rawValue, image.path])
        defer { script.stop() }
        #expect(script.waitForExit(timeout: 120) != nil, "still running after 120 s:\n\(script)")
        #expect(script.status == 3, "\(script)")
        #expect(script.output.contains("hello from swift-liveupdate on \(boot.target.rawValue)"), "\(script.output)")
    }

    @Test("-p forwards a host port on 127.0.0.1 to the counter service, and stopping the script stops QEMU")
    func counterThroughAForward() throws {
        let image = try KernelImages.image(.x86_64, "counter")
        let port = try HostSocket.freePort()
        let script = try ChildProcess(Self.script, ["x86_64", "pc", image.path, "-p", "\(port):8"])
        defer { script.stop() }
        #expect(script.waitForOutput("listening on TCP port 8", timeout: 90), "the counter did not start:\n\(script.output)")
        // The script execs QEMU: its process is QEMU now.
        let program = URL(fileURLWithPath: "/proc/\(script.processIdentifier)/exe").resolvingSymlinksInPath().lastPathComponent
        #expect(program == "qemu-system-x86_64")

        let socket = try HostSocket.tcp(port: port, timeoutSeconds: 30)
        try socket.sendAll(Array("hi\n".utf8))
        var answer: [UInt8] = []
        while !answer.contains(UInt8(ascii: "\n")) {
            let chunk = try socket.receive(upTo: 256)
            if chunk.isEmpty { break }
            answer += chunk
        }
        #expect(String(decoding: answer, as: UTF8.self) == "count=1 boots=1 version=1\n", "\(script.output)")

        script.stop()
        #expect(!script.isRunning)
        #expect(kill(script.processIdentifier, 0) != 0, "QEMU (pid \(script.processIdentifier)) outlived the script")
    }

    @Test("--print gives the command liu runs, for every target, machine and accelerator")
    func sameCommandAsLiu() throws {
        let image = try existing("/images/a kernel.elf")
        for target in KernelTarget.allCases {
            for machine in target.machines {
                for accelerator in [Accelerator.tcg, .kvm] {
                    let pair = [target.rawValue, machine.rawValue, image]
                    let kvm = accelerator == .kvm ? ["--kvm"] : []
                    var configuration = QEMUConfiguration(target: target, machine: machine, accelerator: accelerator,
                                                          image: URL(fileURLWithPath: image))
                    let binary = try configuration.machineFlags().binary
                    configuration.network = UserNetwork(forwards: [.init(.tcp, hostPort: 8080, guestPort: 8),
                                                                   .init(.udp, hostPort: 5353, guestPort: 53)])
                    #expect(try printed(pair + ["-p", "8080:8", "-p", "5353:53/udp", "--print"] + kvm)
                            == [binary] + configuration.arguments, "\(target) \(machine) \(accelerator)")

                    configuration.memoryMiB = 64
                    configuration.commandLine = "ip=dhcp test=heap"
                    configuration.allowReboot = true
                    configuration.network = nil
                    configuration.extraArguments = ["-s", "-S"]
                    #expect(try printed(kvm + pair + ["--memory", "64", "--append", "ip=dhcp test=heap", "--reboot", "--no-network",
                                                      "--print", "--", "-s", "-S"])
                            == [binary] + configuration.arguments, "\(target) \(machine) \(accelerator)")
                }
            }
        }
    }

    @Test("bad arguments exit 64 with the reason", arguments: [
        ([], "give TARGET MACHINE IMAGE (0 of 3 given)"),
        (["sparc", "pc", "IMAGE"], "no flags for 'sparc' on 'pc'"),
        (["aarch64", "pc", "IMAGE"], "no flags for 'aarch64' on 'pc'"),
        (["x86_64", "pc", "/no/such/image.elf"], "no readable kernel image at '/no/such/image.elf'"),
        (["x86_64", "pc", "IMAGE", "-p", "8080"], "-p 8080: write HOST_PORT:GUEST_PORT"),
        (["x86_64", "pc", "IMAGE", "-p", "70000:8"], "-p 70000:8: write HOST_PORT:GUEST_PORT or HOST_PORT:GUEST_PORT/udp, ports 1 to 65535"),
        (["x86_64", "pc", "IMAGE", "-p"], "-p needs HOST_PORT:GUEST_PORT"),
        (["x86_64", "pc", "IMAGE", "--memory", "8"], "--memory 8: the memory is in MiB, from 16 to 65536"),
        (["x86_64", "pc", "IMAGE", "--frobnicate"], "unknown option '--frobnicate'"),
        (["x86_64", "pc", "IMAGE", "more"], "unexpected argument 'more' (QEMU's own arguments go after --)"),
    ])
    func badArguments(_ arguments: [String], _ message: String) throws {
        let image = try existing("/images/k.elf")
        let run = try ChildProcess.run(Self.script, arguments.map { $0 == "IMAGE" ? image : $0 }, timeout: 30)
        #expect(run.status == 64, "\(run)")
        #expect(run.errors.contains("qemu/boot.sh: \(message)"), "\(run)")
    }

    @Test("--help explains the arguments and exits 0")
    func help() throws {
        let run = try ChildProcess.run(Self.script, ["--help"], timeout: 30)
        #expect(run.status == 0)
        #expect(run.output.hasPrefix("Usage: qemu/boot.sh TARGET MACHINE IMAGE"))
        for option in ["-p HOST_PORT:GUEST_PORT", "--kvm", "--memory", "--append", "--print", "2 * S + 3"] {
            #expect(run.output.contains(option), "--help does not mention \(option)")
        }
    }

    @Test("a malformed flags file exits 65 naming the file and line")
    func malformedFlags() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("boot-sh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["boot.sh", "common.args"] {
            try FileManager.default.copyItem(at: Self.script.deletingLastPathComponent().appendingPathComponent(name),
                                             to: folder.appendingPathComponent(name))
        }
        try "binary: qemu-system-i386\nnic: virtio-net-pci\n\n# fine so far\ninclude: common.args\ncpu: max\n"
            .write(to: folder.appendingPathComponent("i686-pc.args"), atomically: true, encoding: .utf8)
        let run = try ChildProcess.run(folder.appendingPathComponent("boot.sh"), ["i686", "pc", try existing("/images/k.elf"), "--print"],
                                       timeout: 30)
        #expect(run.status == 65, "\(run)")
        #expect(run.errors.contains("\(folder.path)/i686-pc.args:6: unknown key 'cpu:'"), "\(run)")
    }

    private func printed(_ arguments: [String]) throws -> [String] {
        let run = try ChildProcess.run(Self.script, arguments, timeout: 30)
        guard run.status == 0 else { throw ToolFailureDescription(text: "\(run)") }
        return run.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// An empty file standing for an image at `path` under the temporary folder (boot.sh checks
    /// that the image exists).
    private func existing(_ path: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qemu-script-tests" + path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: file.path) { FileManager.default.createFile(atPath: file.path, contents: Data()) }
        return file.path
    }
}

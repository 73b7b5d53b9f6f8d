import Foundation
@testable import Liu
import Testing

@Suite("liu command line")
struct LiuCommandTests {
    @Test func buildDefaultsToAllTargets() throws {
        #expect(try LiuCommand.parse(["build"]) == .build(targets: KernelTarget.allCases, service: nil, label: nil))
        #expect(try LiuCommand.parse(["build", "--target", "aarch64"]) == .build(targets: [.aarch64], service: nil, label: nil))
        #expect(try LiuCommand.parse(["build", "--target", "i686", "--label", "2"]) == .build(targets: [.i686], service: nil, label: "2"))
        #expect(try LiuCommand.parse(["build", "--service", "/tmp/kv", "--target", "x86_64"])
                == .build(targets: [.x86_64], service: "/tmp/kv", label: nil))
        #expect(try LiuCommand.parse(["build", "--service", "Services/hello", "--self-tests"])
                == .build(targets: KernelTarget.allCases, service: "Services/hello", label: nil, selfTests: true))
    }

    @Test func buildSignsWithTheGivenKeyAndTrust() throws {
        #expect(try LiuCommand.parse(["build", "--target", "x86_64", "--sign", "ops.key", "--trust", "ops.pub", "--trust", "next.pub",
                                      "--security-version", "7"])
                == .build(targets: [.x86_64], service: nil, label: nil,
                          signing: BuildSigning(secretKey: "ops.key", trustedKeys: ["ops.pub", "next.pub"], securityVersion: 7)))
        #expect(try LiuCommand.parse(["build"]) == .build(targets: KernelTarget.allCases, service: nil, label: nil, signing: BuildSigning()))
        for bad in ["-1", "five", "18446744073709551616"] {
            #expect(throws: UsageError.self) { try LiuCommand.parse(["build", "--security-version", bad]) }
        }
        #expect(throws: UsageError.self) { try LiuCommand.parse(["build", "--sign"]) }
    }

    @Test func benchSignatureTakesTargets() throws {
        #expect(try LiuCommand.parse(["bench", "signature"]) == .benchSignature(targets: KernelTarget.allCases))
        #expect(try LiuCommand.parse(["bench", "signature", "--target", "i686"]) == .benchSignature(targets: [.i686]))
        #expect(SignatureBench.instructions("13.415 ms (SHA-512 of 256 KiB 11.003 ms, one 2.412 ms)")
                == "13,415k instructions (SHA-512 of 256 KiB 11,003k instructions, one 2,412k instructions)")
    }

    @Test func newTakesANameAndAPath() throws {
        #expect(try LiuCommand.parse(["new", "kv"]) == .new(name: "kv", path: nil))
        #expect(try LiuCommand.parse(["new", "kv", "--path", "/tmp"]) == .new(name: "kv", path: "/tmp"))
    }

    @Test func runTakesEveryOption() throws {
        let command = try LiuCommand.parse(["run", "--target", "x86_64", "--machine", "microvm", "--tcg",
                                            "--image", "/tmp/k.elf", "--append", "test=heap", "--timeout", "30"])
        var expected = LiuCommand.RunOptions(target: .x86_64)
        expected.machine = .microvm
        expected.accelerator = .tcg
        expected.image = "/tmp/k.elf"
        expected.commandLine = "test=heap"
        expected.timeout = 30
        #expect(command == .run(expected))
    }

    @Test("bad arguments give a clear error", arguments: [
        (["build", "--target", "sparc"], "unknown target 'sparc'"),
        (["run"], "missing --target TARGET"),
        (["run", "--target", "aarch64", "--machine", "pc"], "machine 'pc' is not available for aarch64"),
        (["run", "--target", "i686", "--kvm", "--tcg"], "--kvm and --tcg exclude each other"),
        (["run", "--target", "i686", "--timeout", "-1"], "--timeout takes a positive number"),
        (["run", "--target", "i686", "--image"], "--image needs a value"),
        (["run", "--target", "i686", "extra"], "unexpected argument 'extra'"),
        (["run", "--target", "i686", "--image", "k.elf", "--service", "s"], "--image and --service exclude each other"),
        (["run", "--target", "i686", "-p", "1:2", "--tap", "tap0"], "--tap replaces it"),
        (["run", "--target", "i686", "--memory", "8"], "--memory takes MiB from 16 to 65536"),
        (["new"], "missing the service's NAME"),
        (["new", "a", "b"], "unexpected argument 'b'"),
        (["frobnicate"], "unknown command 'frobnicate'"),
        (["bench"], "missing the benchmark"),
        (["bench", "boot", "--runs", "0"], "--runs takes a positive whole number"),
    ])
    func rejects(_ arguments: [String], _ message: String) {
        #expect {
            try LiuCommand.parse(arguments)
        } throws: { error in
            String(describing: error).contains(message)
        }
    }

    @Test func benchmarksParse() throws {
        #expect(try LiuCommand.parse(["bench", "boot", "--runs", "3"]) == .benchBoot(BootBench.Options(runs: 3)))
        var boot = BootBench.Options(runs: 2)
        (boot.icount, boot.json, boot.svg) = (true, true, "b.svg")
        #expect(try LiuCommand.parse(["bench", "boot", "--runs", "2", "--icount", "--json", "--svg", "b.svg"]) == .benchBoot(boot))
        let log = "boot timeline (x86_64, TSC 2000000 kHz):\n  entry code                  0.120 ms  at 0.120 ms\n"
            + "  boot info + memory map      1.005 ms  at 1.125 ms  (skipped)\n  entry to service: 1.300 ms\n"
        #expect(BootBench.timeline(in: log)?.phases.map(\.name) == ["total", "entry code", "boot info + memory map"])
        #expect(BootBench.timeline(in: log)?.phases.map(\.nanoseconds) == [1_300_000, 120_000, 1_005_000])
        #expect(BootBench.timeline(in: "no timeline") == nil)
        #expect(try LiuCommand.parse(["bench", "storage", "--target", "i686", "--tcg"]) == .benchStorage(targets: [.i686], accelerator: .tcg))
        var icount = UpdateBench.Options(targets: [.aarch64], runs: 5)
        icount.icount = true
        icount.json = true
        icount.svg = "/tmp/d.svg"
        #expect(try LiuCommand.parse(["bench", "update", "--target", "aarch64", "--runs", "5", "--icount", "--json", "--svg", "/tmp/d.svg"])
                == .benchUpdate(icount))
        #expect(try LiuCommand.parse(["bench", "update"]) == .benchUpdate(UpdateBench.Options(targets: KernelTarget.allCases)))
        #expect(throws: UsageError.self) { try LiuCommand.parse(["bench", "update", "--icount", "--kvm"]) }
        var profiled = UpdateBench.Options(targets: [.x86_64], runs: 1)
        (profiled.icount, profiled.profile) = (true, 20)
        #expect(try LiuCommand.parse(["bench", "update", "--target", "x86_64", "--runs", "1", "--icount", "--profile", "20"]) == .benchUpdate(profiled))
        for refused in [["--profile", "20"], ["--icount", "--json", "--profile", "20"], ["--icount", "--profile", "many"]] {
            #expect(throws: UsageError.self) { try LiuCommand.parse(["bench", "update"] + refused) }
        }
        #expect(try LiuCommand.parse(["bench", "kv"])
            == .benchKv(targets: [.x86_64], accelerator: .tcg, requests: 100_000, keyCounts: [0, 10_000, 100_000, 1_000_000], soakUpdates: 0))
        #expect(try LiuCommand.parse(["bench", "kv", "--target", "all", "--kvm", "--requests", "5000", "--keys", "0,500", "--updates", "1000"])
            == .benchKv(targets: KernelTarget.allCases, accelerator: .kvm, requests: 5000, keyCounts: [0, 500], soakUpdates: 1000))
    }

    @Test func kvmIsRefusedForAForeignArchitecture() {
        var options = LiuCommand.RunOptions(target: .aarch64)
        options.accelerator = .kvm
        #expect(throws: ToolFailure.self) { try LiuTool.chooseAccelerator(options) }
    }
}

@Suite("guest exit codes")
struct GuestExitTests {
    @Test func decodesTheStatusConvention() {
        #expect(GuestExit.decode(qemuExitCode: 3) == .status(0))
        #expect(GuestExit.decode(qemuExitCode: 5) == .status(1))
        #expect(GuestExit.decode(qemuExitCode: 7) == .status(2))
        #expect(GuestExit.decode(qemuExitCode: 0) == .resetOrPowerOff)
        #expect(GuestExit.decode(qemuExitCode: 1) == .qemuFailed(1))
        #expect(GuestExit.decode(qemuExitCode: 6) == .qemuFailed(6))
    }

    @Test func qemuArgumentsMatchTheTarget() {
        let image = URL(fileURLWithPath: "/tmp/kernel.elf")
        let x86 = QEMUConfiguration(target: .x86_64, machine: .microvm, accelerator: .tcg, image: image).arguments
        #expect(x86.contains("isa-debug-exit,iobase=0xf4,iosize=0x04"))
        #expect(x86.contains("-no-reboot"))
        var arm = QEMUConfiguration(target: .aarch64, machine: .virt, accelerator: .tcg, image: image)
        arm.allowReboot = true
        #expect(arm.arguments.contains("enable=on,target=native"))
        #expect(!arm.arguments.contains("-no-reboot"))
    }
}

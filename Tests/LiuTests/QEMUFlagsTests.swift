import Foundation
@testable import Liu
import Testing

/// The `qemu/TARGET-MACHINE.args` format: comments, blank lines, per-accelerator lines, keys,
/// placeholders and includes, and an error naming the file and line for everything malformed.
@Suite("qemu/ flags files")
struct QEMUFlagsTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func parse(_ text: String, includes: [String: String] = [:]) throws(QEMUFlagsError) -> QEMUMachineFlags {
        try QEMUMachineFlags.parse(text, file: "t.args") { name throws(QEMUFlagsError) in
            guard let text = includes[name] else { throw QEMUFlagsError(file: name, line: nil, "missing") }
            return (name, text)
        }
    }

    func error(_ text: String, includes: [String: String] = [:]) -> String {
        do {
            _ = try parse(text, includes: includes)
            return "parsed"
        } catch {
            return error.description
        }
    }

    @Test func commentsBlankLinesAndBlanksAroundArgumentsAreSkipped() throws {
        let flags = try parse("""
            # a comment
            binary: qemu-system-x86_64

              nic:   virtio-net-pci\t
               # an indented comment
            -M
              pc \r
            -append
            two words stay one argument
            tcg:-literal
            """)
        #expect(flags.binary == "qemu-system-x86_64")
        #expect(flags.nic == "virtio-net-pci")
        #expect(flags.arguments(accelerator: .tcg, memoryMiB: 1, kernel: "k")
                == ["-M", "pc", "-append", "two words stay one argument", "tcg:-literal"])
    }

    @Test func acceleratorLinesAndPlaceholders() throws {
        let flags = try parse("""
            binary: b
            nic: n
            -m
            {memory}
            tcg: -cpu
            tcg: max
            kvm: -cpu
            kvm: host
            -kernel
            {kernel}
            kvm: {kernel}
            {memory}x
            """)
        #expect(flags.arguments(accelerator: .tcg, memoryMiB: 64, kernel: "/a b/k.elf")
                == ["-m", "64M", "-cpu", "max", "-kernel", "/a b/k.elf", "{memory}x"])
        #expect(flags.arguments(accelerator: .kvm, memoryMiB: 512, kernel: "/k")
                == ["-m", "512M", "-cpu", "host", "-kernel", "/k", "/k", "{memory}x"])
    }

    @Test func anIncludeIsReadWhereItStands() throws {
        let flags = try parse("binary: b\n-M\nx\ninclude: common.args\n-last", includes: ["common.args": "nic: n\n# c\n-display\nnone\n"])
        #expect(flags.nic == "n")
        #expect(flags.arguments(accelerator: .kvm, memoryMiB: 1, kernel: "k") == ["-M", "x", "-display", "none", "-last"])
    }

    @Test("malformed files name the file and line", arguments: [
        ("binary: b\nnic: n\n\ncpu: max", "t.args:4: unknown key 'cpu:' (the keys are binary:, nic:, include:, tcg: and kvm:)"),
        ("binary: b\nnic: n\n{memroy}", "t.args:3: unknown placeholder {memroy} (there are {memory} and {kernel})"),
        ("binary: b\nnic: n\ntcg:", "t.args:3: 'tcg:' without a value"),
        ("binary: b\nnic: n\nkvm: {cpu}", "t.args:3: unknown placeholder {cpu}"),
        ("binary: b\n# x\nbinary: c\nnic: n", "t.args:3: a second 'binary:' line (the first is t.args:1)"),
        ("binary: qemu system\nnic: n", "t.args:1: 'binary:' takes one word, not 'qemu system'"),
        ("nic: n\n-M\npc", "t.args: no 'binary:' line"),
        ("binary: b\n-M\npc", "t.args: no 'nic:' line"),
        ("binary: b\nnic: n\ninclude: ../x.args", "t.args:3: 'include:' names a file of the same folder, not '../x.args'"),
        ("binary: b\nnic: n\ninclude: gone.args", "t.args:3: cannot include gone.args: gone.args: missing"),
        ("binary: b\nnic: n\ninclude: loop.args", "loop.args:2: loop.args includes itself"),
        ("binary: b\ninclude: bad.args", "bad.args:2: unknown key 'nics:'"),
    ])
    func malformed(_ text: String, _ message: String) {
        let found = error(text, includes: ["loop.args": "-x\ninclude: loop.args", "bad.args": "-y\nnics: n"])
        #expect(found.hasPrefix(message), "\(found)")
    }

    /// A folder holding `files`, removed at the end of `body`.
    func withFolder<R>(_ files: [String: String], _ body: (URL) throws -> R) throws -> R {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qemu-flags-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return try body(folder)
    }

    @Test func aMissingFileIsNamed() throws {
        try withFolder(["common.args": "-x"]) { folder in
            var configuration = QEMUConfiguration(target: .i686, machine: .microvm, accelerator: .tcg, image: URL(fileURLWithPath: "/k"))
            configuration.qemuFolder = folder
            #expect { try configuration.makeArguments() } throws: {
                "\($0)" == "\(folder.path)/i686-microvm.args: missing: there are no QEMU flags for i686 on microvm"
            }
            #expect { try QEMU.start(configuration) } throws: { "\($0)".contains("\(folder.path)/i686-microvm.args: missing") }
        }
    }

    @Test func aMalformedFileStopsLiuBeforeQEMUStarts() throws {
        try withFolder(["x86_64-pc.args": "binary: true\nnic: n\ninclude: common.args", "common.args": "-a\n\n-b\n{mem}\n"]) { folder in
            var configuration = QEMUConfiguration(target: .x86_64, machine: .pc, accelerator: .kvm, image: URL(fileURLWithPath: "/k"))
            configuration.qemuFolder = folder
            #expect { try QEMU.start(configuration) } throws: {
                "\($0)" == "QEMU's flags: \(folder.path)/common.args:4: unknown placeholder {mem} (there are {memory} and {kernel})"
            }
        }
    }

    @Test func theFolderIsThePackagesQemuFolder() throws {
        #expect(try QEMUFolder.locate().standardizedFileURL.path == Self.packageRoot.appendingPathComponent("qemu").standardizedFileURL.path)
        // The test bundle itself, links resolved (liu looks above it when the current directory is elsewhere).
        let program = QEMUFolder.runningProgram()
        #expect(program.path != "/proc/self/exe" && FileManager.default.isExecutableFile(atPath: program.path), "\(program.path)")
    }

    @Test func aPackageWithoutQemuFolderIsPassedOverForTheNextOrigin() throws {
        try withFolder(["Package.swift": "let package = Package(name: \"swift-liveupdate\")"]) { other in
            let outside = URL(fileURLWithPath: "/")
            // Stands for the folder of the running liu, inside the package.
            let program = Self.packageRoot.appendingPathComponent("Sources/Liu")
            let ours = Self.packageRoot.appendingPathComponent("qemu").standardizedFileURL.path
            // The current directory in a checkout without qemu/, or outside any package: liu's own.
            #expect(try QEMUFolder.locate(from: [other, program]).standardizedFileURL.path == ours)
            #expect(try QEMUFolder.locate(from: [outside, program]).standardizedFileURL.path == ours)
            // The current directory in a checkout with one: that checkout's, as for the kernel it builds.
            try FileManager.default.createDirectory(at: other.appendingPathComponent("qemu"), withIntermediateDirectories: true)
            #expect(try QEMUFolder.locate(from: [other, program]).standardizedFileURL.path
                    == other.appendingPathComponent("qemu").standardizedFileURL.path)
        }
    }

    @Test("every target and machine has its file, with its QEMU program and card", arguments: [
        (KernelTarget.i686, Machine.pc, "qemu-system-i386", "virtio-net-pci"),
        (.i686, .microvm, "qemu-system-i386", "virtio-net-device"),
        (.x86_64, .pc, "qemu-system-x86_64", "virtio-net-pci"),
        (.x86_64, .microvm, "qemu-system-x86_64", "virtio-net-device"),
        (.aarch64, .virt, "qemu-system-aarch64", "virtio-net-device"),
    ])
    func shippedFiles(_ target: KernelTarget, _ machine: Machine, _ binary: String, _ nic: String) throws {
        let flags = try QEMUFolder.load(target, machine, from: try QEMUFolder.locate())
        #expect(flags.binary == binary)
        #expect(flags.nic == nic)
    }

    @Test func onlyTheSupportedPairsHaveFiles() throws {
        let folder = try QEMUFolder.locate()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".args") && $0 != "common.args" }
        let expected = KernelTarget.allCases.flatMap { target in target.machines.map { QEMUFolder.fileName(target, $0) } }
        #expect(names.sorted() == expected.sorted())
    }
}

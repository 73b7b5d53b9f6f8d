import Foundation
@testable import Liu
import Testing

/// A valid command line for each command (its required arguments only), for the checks that
/// go through the parser.
private let minimalArguments: [String: [String]] = [
    "new": ["new", "kv"],
    "build": ["build"],
    "run": ["run", "--target", "x86_64"],
    "push": ["push", "k.elf", "--to", "127.0.0.1:666"],
    "status": ["status", "127.0.0.1:666"],
    "keygen": ["keygen", "release"],
    "sign": ["sign", "k.elf", "--key", "release.key"],
    "verify": ["verify", "k.elf", "--key", "release.pub"],
    "demo": ["demo"],
    "bench storage": ["bench", "storage"],
    "bench signature": ["bench", "signature"],
    "bench boot": ["bench", "boot"],
    "bench update": ["bench", "update"],
    "bench http": ["bench", "http"],
    "bench kv": ["bench", "kv"],
    "fleet up": ["fleet", "up", "f.fleet"],
    "fleet status": ["fleet", "status", "f.fleet"],
    "fleet down": ["fleet", "down", "f.fleet"],
    "fleet rollout": ["fleet", "rollout", "f.fleet", "k.bundle"],
]

private let commandNames = CommandHelp.commands.map(\.name)

@Suite("liu help and usage errors")
struct CommandHelpTests {
    @Test("every command has a help text with its overview, usage and every option", arguments: commandNames)
    func helpText(_ name: String) throws {
        let spec = try #require(CommandHelp.spec(name))
        let text = try #require(CommandHelp.text(for: name))
        #expect(text == spec.helpText)
        #expect(text.hasPrefix("OVERVIEW: \(spec.abstract)"))
        #expect(text.contains("\nUSAGE: liu \(name)"))
        #expect(text.contains("\nOPTIONS:\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for option in spec.options {
            let label = "  " + option.names.joined(separator: ", ") + (option.value.map { " \($0)" } ?? "")
            #expect(lines.contains { $0.hasPrefix(label + " ") }, "\(name): no line for \(label)")
            if let value = option.defaultValue {
                #expect(text.replacingOccurrences(of: "\n" + String(repeating: " ", count: 26), with: " ")
                    .contains("(default: \(value))"), "\(name) \(option.name)")
            }
            #expect(spec.usage.joined().contains(option.usage), "\(name): \(option.name) missing from the usage")
        }
        for argument in spec.arguments {
            #expect(lines.contains { $0.hasPrefix("  \(argument.name) ") }, "\(name): no line for \(argument.name)")
        }
        #expect(lines.contains { $0.hasPrefix("  -h, --help ") })
    }

    @Test("help texts fit 80 columns")
    func helpFits() {
        let texts = commandNames.compactMap(CommandHelp.text(for:)) + [CommandHelp.overview, CommandHelp.benchOverview,
                                                                             CommandHelp.groupOverview("fleet")!]
        for line in texts.joined(separator: "\n").split(separator: "\n") {
            #expect(line.count <= 80, "\(line)")
        }
    }

    @Test("liu CMD -h, liu CMD --help and liu help CMD are the same help", arguments: commandNames + ["bench", "fleet"])
    func helpSpellings(_ name: String) throws {
        let words = name.split(separator: " ").map(String.init)
        #expect(try LiuCommand.parse(words + ["-h"]) == .help(command: name))
        #expect(try LiuCommand.parse(words + ["--help"]) == .help(command: name))
        #expect(try LiuCommand.parse(["help"] + words) == .help(command: name))
        #expect(LiuTool.main(words + ["--help"]) == 0)
        #expect(LiuTool.main(["help"] + words) == 0)
    }

    @Test func helpWinsOverOtherArguments() throws {
        #expect(try LiuCommand.parse(["run", "--target", "sparc", "-h"]) == .help(command: "run"))
        #expect(try LiuCommand.parse(["build", "--frobnicate", "--help"]) == .help(command: "build"))
        // A value that happens to read -h is a value.
        var run = LiuCommand.RunOptions(target: .i686)
        run.commandLine = "-h"
        #expect(try LiuCommand.parse(["run", "--target", "i686", "--append", "-h"]) == .run(run))
    }

    @Test("liu, liu -h, liu --help and liu help print the overview", arguments: [[], ["-h"], ["--help"], ["help"]])
    func overview(_ arguments: [String]) throws {
        #expect(try LiuCommand.parse(arguments) == .help(command: nil))
        #expect(LiuTool.main(arguments) == 0)
    }

    @Test func overviewListsEveryCommandOnOneLine() {
        let lines = CommandHelp.overview.split(separator: "\n")
        #expect(CommandHelp.overview.hasPrefix("OVERVIEW: "))
        #expect(lines.contains("USAGE: liu COMMAND [OPTIONS]"))
        for command in CommandHelp.commands {
            let entries = lines.filter { $0.hasPrefix("  \(command.name)  ") }
            #expect(entries.count == 1, "\(command.name)")
            #expect(entries.first?.hasSuffix(command.abstract) == true, "\(command.name)")
        }
        #expect(lines.contains { $0.hasPrefix("  --version ") })
    }

    @Test func version() throws {
        #expect(try LiuCommand.parse(["--version"]) == .version)
        #expect(CommandHelp.versionLine == "liu \(CommandHelp.version)")
        #expect(CommandHelp.version.split(separator: ".").count == 3)
        #expect(CommandHelp.version.split(separator: ".").allSatisfy { Int($0) != nil })
        #expect(LiuTool.main(["--version"]) == 0)
        #expect(LiuTool.main(["--version", "x"]) == 64)
    }

    @Test("a usage error names its command and shows only that command's usage", arguments: [
        (["build", "--target", "sparc"], "build", "unknown target 'sparc'; use one of: i686, x86_64, aarch64, all"),
        (["build", "--frobnicate"], "build", "unknown option '--frobnicate'"),
        (["build", "--label", "1", "--label", "2"], "build", "--label is given twice"),
        (["new"], "new", "missing the service's NAME"),
        (["run"], "run", "missing --target TARGET (i686, x86_64, aarch64)"),
        (["run", "--target", "all"], "run", "unknown target 'all'; use one of: i686, x86_64, aarch64"),
        (["run", "--target", "i686", "-target", "x"], "run", "unknown option '-target'; did you mean '--target'?"),
        (["run", "--target", "i686", "--timeout"], "run", "--timeout needs a value (SECONDS)"),
        (["run", "--target", "i686", "--kvm=yes"], "run", "--kvm takes no value"),
        (["run", "--target", "i686", "-p", "1:2:3:4"], "run", "-p 1:2:3:4: write [HOST_IP:]HOST_PORT:GUEST_PORT[/udp]"),
        (["push", "k.elf"], "push", "missing --to HOST:PORT"),
        (["push", "k.elf", "--to", "localhost"], "push", "--to takes HOST:PORT, e.g. 127.0.0.1:666"),
        (["status"], "status", "missing HOST:PORT"),
        (["status", "a:1", "b:2"], "status", "unexpected argument 'b:2'"),
        (["keygen"], "keygen", "missing the key's NAME"),
        (["sign", "k.elf"], "sign", "missing --key NAME.key"),
        (["verify", "k.elf", "--key", "a.pub", "--key", "b.pub"], "verify", "--key is given twice"),
        (["verify", "--key", "a.pub"], "verify", "missing the FILE to check"),
        (["demo", "--runs", "3"], "demo", "unknown option '--runs'"),
        (["bench", "boot", "--runs", "0"], "bench boot", "--runs takes a positive whole number, not '0'"),
        (["bench", "update", "--machine", "vax"], "bench update", "unknown machine 'vax'"),
        (["bench", "storage", "--runs", "3"], "bench storage", "unknown option '--runs'"),
        (["bench", "kv", "--keys", "10,ten"], "bench kv", "--keys takes counts separated by commas, not 'ten'"),
        (["bench", "kv", "--updates", "0"], "bench kv", "--updates takes a positive whole number, not '0'"),
        (["fleet", "rollout", "f.fleet"], "fleet rollout", "missing the BUNDLE to roll out"),
        (["fleet", "rollout", "f.fleet", "b", "--wave", "0"], "fleet rollout", "--wave takes a positive whole number, not '0'"),
        (["fleet", "rollout", "f.fleet", "b", "--max-failures", "-1"], "fleet rollout", "--max-failures takes a whole number, not '-1'"),
        (["fleet", "down"], "fleet down", "missing the fleet FILE"),
        (["help", "frobnicate"], "help", "unknown command 'frobnicate'"),
    ])
    func usageError(_ arguments: [String], _ command: String, _ message: String) throws {
        #expect(LiuTool.main(arguments) == 64)
        let error = try #require(throws: UsageError.self) { try LiuCommand.parse(arguments) }
        #expect(error.command == command)
        let lines = CommandHelp.errorText(error).split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("liu \(command): error: \(message)"), "\(lines[0])")
        let spec = try #require(CommandHelp.spec(command))
        #expect(Array(lines.dropFirst().dropLast()) == CommandHelp.usageLines([spec]))
        #expect(lines.last == (command == "help" ? "see 'liu help'" : "see 'liu help \(command)'"))
        // Only this command's usage: no other command's name starts a usage line.
        for other in CommandHelp.commands where other.name != command && !other.name.hasPrefix(command + " ") {
            #expect(!lines.dropFirst().contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("liu \(other.name) ") }, "\(other.name)")
        }
    }

    @Test func benchWithoutABenchmarkShowsTheBenchmarks() throws {
        #expect(LiuTool.main(["bench"]) == 64)
        let error = try #require(throws: UsageError.self) { try LiuCommand.parse(["bench", "sprint"]) }
        let text = CommandHelp.errorText(error)
        #expect(text.hasPrefix("liu bench: error: unknown benchmark 'sprint'; use one of: storage, signature, boot, update, http, kv\nUSAGE: liu bench storage "))
        #expect(text.contains("\n       liu bench boot [--runs N] [--icount] [--json] [--svg FILE]\n"))
        #expect(text.hasSuffix("\nsee 'liu help bench'"))
        #expect(!text.contains("liu run"))
    }

    @Test func unknownCommandNamesTheKnownOnes() throws {
        #expect(LiuTool.main(["frobnicate"]) == 64)
        let error = try #require(throws: UsageError.self) { try LiuCommand.parse(["frobnicate"]) }
        #expect(error.command == nil)
        #expect(CommandHelp.errorText(error) == """
            liu: error: unknown command 'frobnicate'; the commands are: new, build, run, push, status, keygen, sign, verify, demo, bench, fleet, help
            USAGE: liu COMMAND [OPTIONS]
            see 'liu help'
            """)
    }

    @Test func optionSpellings() throws {
        #expect(try LiuCommand.parse(["build", "--target=i686", "--label=2"]) == .build(targets: [.i686], service: nil, label: "2"))
        #expect(try LiuCommand.parse(["new", "--", "--odd"]) == .new(name: "--odd", path: nil))
        var run = LiuCommand.RunOptions(target: .x86_64)
        run.qemuArguments = ["-nographic", "-s"]
        #expect(try LiuCommand.parse(["run", "--qemu-arg", "-nographic", "--target", "x86_64", "--qemu-arg", "-s"]) == .run(run))
    }
}

@Suite("liu's option table")
struct OptionTableTests {
    /// The parser asks for exactly the options of the command's table: none it reads is
    /// missing from the help, none in the help goes unread.
    @Test("the parser reads exactly the options in the table", arguments: Array(minimalArguments.keys).sorted())
    func parserReadsTheTable(_ name: String) throws {
        let spec = try #require(CommandHelp.spec(name))
        var asked: Set<String> = []
        _ = try LiuCommand.parse(minimalArguments[name]!, asked: &asked)
        #expect(asked == Set(spec.options.map(\.name)), "\(name)")
    }

    @Test("every command in the table has a test command line")
    func everyCommandIsCovered() {
        #expect(Set(minimalArguments.keys).union(["help"]) == Set(commandNames))
    }

    /// Given on its own, every option in the table reaches the parser: it is never unknown,
    /// nor left over.
    @Test("every option in the table is accepted", arguments: Array(minimalArguments.keys).sorted())
    func everyOptionIsAccepted(_ name: String) throws {
        let spec = try #require(CommandHelp.spec(name))
        // Those the command line has already (required ones) are read by `parserReadsTheTable`.
        for option in spec.options where !minimalArguments[name]!.contains(option.name) {
            let arguments = minimalArguments[name]! + [option.name] + (option.value.map { _ in ["1"] } ?? [])
            do {
                _ = try LiuCommand.parse(arguments)
            } catch {
                // A value such as "1" may not suit the option; the option itself must be known.
                #expect(!error.description.contains("unknown option"), "\(arguments): \(error)")
                #expect(!error.description.contains("is not used here"), "\(arguments): \(error)")
                #expect(!error.description.contains("is given twice"), "\(arguments): \(error)")
            }
        }
    }

    @Test func namesAreUnique() {
        for spec in CommandHelp.commands {
            let names = spec.options.flatMap(\.names)
            #expect(Set(names).count == names.count, "\(spec.name)")
            #expect(!names.contains("-h") && !names.contains("--help"), "\(spec.name)")
        }
        #expect(Set(commandNames).count == commandNames.count)
    }
}

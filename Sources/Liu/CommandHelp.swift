/// The one table of `liu`'s commands and their options: `LiuCommand.parse` reads the options
/// through it (an option that is not in a command's table is an unknown option) and the help
/// texts, usage lines and usage errors are written from it.
public enum CommandHelp {
    /// `liu --version`.
    public static let version = "0.3.0"
    public static var versionLine: String { "liu \(version)" }

    /// Text is wrapped to this many columns.
    static let width = 80
    /// Where an option's or argument's description begins.
    static let descriptionColumn = 26

    /// Every command, in the order `liu help` lists them.
    public static let commands: [CommandSpec] = [new, build, run, push, status, keygen, sign, verify, demo, benchStorage, benchSignature, benchBoot, benchUpdate, benchHttp, benchKv, fleetUp, fleetStatus, fleetDown, fleetRollout, help]

    /// The commands `bench` groups.
    static let benchmarks: [CommandSpec] = [benchStorage, benchSignature, benchBoot, benchUpdate, benchHttp, benchKv]

    /// The commands `fleet` groups.
    static let fleetCommands: [CommandSpec] = [fleetUp, fleetStatus, fleetDown, fleetRollout]

    /// A word that groups commands (`bench`, `fleet`): its commands, what one of them is called
    /// in messages, and the overview's first line.
    static func group(_ word: String) -> (commands: [CommandSpec], noun: String, overview: String)? {
        switch word {
        case "bench": (benchmarks, "benchmark", "Benchmarks: the state storage, cold boots and live updates.")
        case "fleet": (fleetCommands, "fleet command", "A fleet of guests as libvirt domains, and staged updates across it.")
        default: nil
        }
    }

    /// The command named `name` ("run", "bench storage").
    public static func spec(_ name: String) -> CommandSpec? {
        commands.first { $0.name == name }
    }

    /// The first words of the commands: what `liu CMD` accepts.
    static var verbs: [String] {
        var verbs: [String] = []
        for command in commands {
            let verb = String(command.name.split(separator: " ")[0])
            if !verbs.contains(verb) { verbs.append(verb) }
        }
        return verbs
    }

    // MARK: The commands

    static let targetNames = KernelTarget.allCases.map(\.rawValue)

    static let new = CommandSpec(
        name: "new",
        abstract: "Write a new service folder.",
        discussion: "Writes DIR/NAME: a line-based TCP service on port 7000 that keeps its count across updates, with a README of its own.",
        arguments: [ArgumentSpec("NAME", "The service's name, also its folder's.")],
        options: [OptionSpec("--path", value: "DIR", "The folder to write the service folder in.", default: "the current folder")])

    static let build = CommandSpec(
        name: "build",
        abstract: "Build services into kernel images.",
        discussion: "Builds the service into DIR/.build/TARGET/NAME.elf (stripped; NAME.debug.elf keeps its symbols) and signs it into NAME.bundle, what liu push sends, saying what it compiles, and prints where. The kernel is compiled into .build/kernel/TARGET once and reused. The image trusts the keys given with --trust, else the signing key; the development key, .build/keys/development.key, is created on first use (docs/signing.md).",
        options: [
            OptionSpec("--service", value: "DIR", "The service folder to build.", default: "every service in Services/"),
            OptionSpec("--target", value: "TARGET", "The target: \(targetNames.joined(separator: ", ")) or all.", default: "all"),
            OptionSpec("--label", value: "LABEL", "Also write NAME-LABEL.elf and NAME-LABEL.bundle, the same image reporting LABEL as its version (patched in, no second compilation)."),
            OptionSpec("--self-tests", "Build NAME-self-tests.elf instead, with the kernel's self-tests (test=NAME on the command line), which other images leave out; the same compilation, linked differently."),
            OptionSpec("--sign", value: "KEY", "The secret key file (liu keygen) that signs the bundle.", default: "the development key"),
            OptionSpec("--trust", value: "PUB", "A public key file whose bundles the image will install; repeatable, at most 8.", default: "the signing key", repeatable: true),
            OptionSpec("--security-version", value: "N", "The image's security version: it refuses bundles below it.", default: "0"),
        ])

    static let run = CommandSpec(
        name: "run",
        abstract: "Boot a service in QEMU.",
        discussion: "Boots the service with the serial console on stdout and exits with the guest's exit status (125: the guest reset or powered off without one, 124: timeout; 130 or 143: interrupted, QEMU stopped).",
        options: [
            OptionSpec("--target", value: "TARGET", "The target: \(targetNames.joined(separator: ", ")).", required: true),
            OptionSpec("--machine", value: "MACHINE", "The QEMU machine: pc or microvm (i686, x86_64), virt (aarch64).", default: "pc; virt for aarch64"),
            OptionSpec("--kvm", "Run under KVM; refused before QEMU starts when KVM here cannot run the target.", group: "accelerator"),
            OptionSpec("--tcg", "Run under TCG, QEMU's emulator. Without --kvm or --tcg: KVM where it can run the target, else TCG (with a note why).", group: "accelerator"),
            OptionSpec("--service", value: "DIR", "The service folder to build and boot.", default: "Services/hello", group: "image"),
            OptionSpec("--image", value: "PATH", "A built kernel image to boot instead.", group: "image"),
            OptionSpec("-p", value: "MAPPING", "Forward [HOST_IP:]HOST_PORT:GUEST_PORT[/udp] (QEMU user networking); repeatable. The service's ports and the update ports 666 and 667 are forwarded anyway, to free ports.", repeatable: true, group: "network"),
            OptionSpec("--tap", value: "IFACE", "An existing tap interface instead of user networking.", group: "network"),
            OptionSpec("--memory", value: "MIB", "Guest RAM in MiB, 16 to 65536.", default: "the service's memoryMiB, else 256"),
            OptionSpec("--append", value: "ARGS", "Kernel command line, after the service's own commandLine (the last value of a key wins)."),
            OptionSpec("--qemu-arg", value: "ARG", "One more argument for QEMU; repeatable.", repeatable: true),
            OptionSpec("--timeout", value: "SECONDS", "Stop QEMU after SECONDS and exit 124.", default: "none"),
        ])

    static let push = CommandSpec(
        name: "push",
        abstract: "Send a signed bundle to a running kernel.",
        discussion: "Sends BUNDLE to the kernel's update port and waits for the outcome: 'updated to LABEL in DOWNTIME (confirmed)' (exit 0) once the new image confirmed its trial; 'rolled back to LABEL: REASON' (exit 2) when it failed and the known-good image took over with the state; 'the guest reset: …' (exit 3) when it failed with no known-good image to go back to, and the state is lost; 'refused: REASON' (nothing was touched: a bundle that is not signed by a key the running image trusts, altered, for another architecture or of an older security version, say) or 'abandoned: REASON' (saving the state failed; the service goes on), exit 1. Warns first when the guest has no known-good image. With --known-good, BUNDLE goes to the known-good image port instead and is 'registered'.",
        arguments: [ArgumentSpec("BUNDLE", "The signed bundle liu build writes, NAME.bundle.")],
        options: [
            OptionSpec("--to", value: "HOST:PORT", "The kernel's update port, e.g. 127.0.0.1:666.", required: true),
            OptionSpec("--no-wait", "Do not wait for the new image's verdict (confirmed, rolled back, reset)."),
            OptionSpec("--known-good", "Register the image as the known-good one (port 667) instead of updating to it."),
        ])

    static let status = CommandSpec(
        name: "status",
        abstract: "Show what a running kernel says about itself.",
        discussion: "Asks the kernel on its update port: the running image's label and architecture, whether it is on trial, the known-good image, the last update's outcome with its reason, the downtime by phase of the update that started it, and the uptime across updates.",
        arguments: [ArgumentSpec("HOST:PORT", "The kernel's update port, e.g. 127.0.0.1:666.")],
        options: [OptionSpec("--json", "Print the status as JSON.")])

    static let keygen = CommandSpec(
        name: "keygen",
        abstract: "Make an Ed25519 key pair for signing images.",
        discussion: "Writes NAME.key, the secret (a seed from the system's random source, mode 0600), and NAME.pub, the public key with the comment 'liu key NAME', and prints the key id: the first 8 bytes of SHA-512 of the public key. Refuses to overwrite either file. The formats are in docs/signing.md.",
        arguments: [ArgumentSpec("NAME", "The key files' path without .key or .pub.")])

    static let sign = CommandSpec(
        name: "sign",
        abstract: "Sign a file with a secret key.",
        discussion: "Writes FILE.sig, the Ed25519 signature of FILE's bytes as 128 hex digits. Warns when the secret key file is readable by group or others.",
        arguments: [ArgumentSpec("FILE", "The file to sign, e.g. a kernel image.")],
        options: [OptionSpec("--key", value: "NAME.key", "The secret key file, from liu keygen.", required: true)])

    static let verify = CommandSpec(
        name: "verify",
        abstract: "Check a file's signature.",
        discussion: "Prints 'valid signature by key KEYID' (exit 0) or 'invalid: REASON' (exit 1). A missing or malformed file, key or signature is an error, exit 1.",
        arguments: [ArgumentSpec("FILE", "The signed file.")],
        options: [
            OptionSpec("--key", value: "NAME.pub", "The public key file.", required: true),
            OptionSpec("--signature", value: "SIG", "The signature file.", default: "FILE.sig"),
        ])

    static let demo = CommandSpec(
        name: "demo",
        abstract: "Update the counter twice, then roll back a bad build.",
        discussion: "Boots the counter service, sends requests, pushes the build labelled 2 and then the original back, printing version, counter, uptime and the measured downtime after each update; then pushes a build whose resume fails and shows the service back on the known-good image with its state. The guest's console lines start with 'guest | '.",
        options: [
            OptionSpec("--target", value: "TARGET", "The target: \(targetNames.joined(separator: ", ")).", default: "x86_64"),
            OptionSpec("--kvm", "Run under KVM.", group: "accelerator"),
            OptionSpec("--tcg", "Run under TCG. Without either: TCG under kvm-pvm, else KVM where it can run the target.", group: "accelerator"),
        ])

    static let benchStorage = CommandSpec(
        name: "bench storage",
        abstract: "Benchmark the state storage, host and kernels.",
        options: [
            OptionSpec("--target", value: "TARGET", "The target: \(targetNames.joined(separator: ", ")) or all.", default: "all"),
            OptionSpec("--kvm", "Run the kernels under KVM (refused under kvm-pvm, where the benchmark does not finish).", group: "accelerator"),
            OptionSpec("--tcg", "Run the kernels under TCG. Without either: KVM where it can run the target, else TCG.", group: "accelerator"),
        ])

    static let benchSignature = CommandSpec(
        name: "bench signature",
        abstract: "Time signing and verifying a 256 KiB bundle.",
        discussion: "Signs and verifies a 256 KiB bundle on the host, then times the same verification (SHA-512 of 256 KiB and one Ed25519 check, self-test signature) inside each kernel under TCG, and counts its guest instructions under QEMU's instruction counter (-icount shift=0).",
        options: [
            OptionSpec("--target", value: "TARGET", "The target: \(targetNames.joined(separator: ", ")) or all.", default: "all"),
        ])

    static let benchBoot = CommandSpec(
        name: "bench boot",
        abstract: "Time cold boots of every target and machine.",
        discussion: "Boots under TCG, and KVM where it can run the target; prints the kernel's entry-to-service time and QEMU's whole-process time, median/min/max.",
        options: [
            OptionSpec("--runs", value: "N", "Boots of each target, machine and accelerator.", default: "10"),
            OptionSpec("--icount", "Only under TCG with instruction counting: each stage of the boot timeline in guest instructions."),
            OptionSpec("--json", "Print one JSON document (per row: each stage's median, min and max) instead of text."),
            OptionSpec("--svg", value: "FILE", "Also write the median timelines as a stacked bar chart (SVG)."),
        ])

    static let benchUpdate = CommandSpec(
        name: "bench update",
        abstract: "Time live updates between two labelled builds.",
        discussion: "N updates alternating between two labelled builds of the counter service, its state checked after each; prints the median/min/max downtime the kernels measured and each phase's. With --icount, under TCG with QEMU's instruction counter (-icount shift=0): the figures are guest instructions, machine-independent and repeatable.",
        options: [
            OptionSpec("--target", value: "TARGET", "The target: \(targetNames.joined(separator: ", ")) or all.", default: "all"),
            OptionSpec("--machine", value: "MACHINE", "The QEMU machine: pc, microvm or virt.", default: "every machine of the target"),
            OptionSpec("--kvm", "Only under KVM.", group: "accelerator"),
            OptionSpec("--tcg", "Only under TCG. Without either: TCG, and KVM where it can run the target.", group: "accelerator"),
            OptionSpec("--icount", "Only under TCG with instruction counting: figures in guest instructions.", group: "accelerator"),
            OptionSpec("--runs", value: "N", "Updates per target, machine and accelerator.", default: "30"),
            OptionSpec("--json", "Print one JSON document (per row: each phase's median, min and max) instead of text."),
            OptionSpec("--svg", value: "FILE", "Also write the median phases as a stacked bar chart (SVG)."),
            OptionSpec("--profile", value: "N", "With --icount, not --json: then one more update under QEMU's execution log, and the N functions its downtime spent the most guest instructions in (from the service's stop to its serving again)."),
        ])

    static let benchHttp = CommandSpec(
        name: "bench http",
        abstract: "Load the http service with wrk, also during updates.",
        discussion: "Boots the http service on a tap device in a network namespace of its own (root; QEMU's forwarded ports take connections too slowly for wrk) and runs wrk -c CONNECTIONS -t 2 --timeout 10s --latency over keep-alive: for --seconds without updates, then until --updates updates alternating two labelled builds are confirmed (--updates 1000 is the soak). Prints requests/s, p50/p99/max latency, non-2xx responses and socket errors, and the updates' downtime.",
        options: [
            OptionSpec("--target", value: "TARGET", "The target: \(targetNames.joined(separator: ", ")) or all.", default: "all"),
            OptionSpec("--kvm", "Run under KVM.", group: "accelerator"),
            OptionSpec("--tcg", "Run under TCG (the default).", group: "accelerator"),
            OptionSpec("--seconds", value: "N", "The length of the run without updates.", default: "10"),
            OptionSpec("--updates", value: "N", "Live updates during the second run.", default: "20"),
            OptionSpec("--connections", value: "N", "wrk's connections.", default: "64"),
        ])

    static let benchKv = CommandSpec(
        name: "bench kv",
        abstract: "Benchmark the kv service, with live updates.",
        discussion: "Boots the kv service (as root on a tap device in a network namespace of its own, where redis-benchmark runs too: QEMU's forwarded ports accept one connection at a time) and runs redis-benchmark -t \(RedisBenchmark.issueTests) -c 50 -P 16 -n N twice: without updates, then while updates alternate between two labelled builds; prints requests/s and p50/p99/max latency per test. Then grows the keyspace to each count of --keys (16-byte values) and to 64 MiB of values, pushing an update at each size, checking every key after it and printing the downtime by phase. With --updates N, a soak: N updates under a looping redis-benchmark, reporting failed updates and failed requests.",
        options: [
            OptionSpec("--target", value: "TARGET", "The target: \(targetNames.joined(separator: ", ")) or all.", default: "x86_64"),
            OptionSpec("--kvm", "Run under KVM.", group: "accelerator"),
            OptionSpec("--tcg", "Run under TCG (the default).", group: "accelerator"),
            OptionSpec("--requests", value: "N", "Requests of each redis-benchmark test.", default: "100000"),
            OptionSpec("--keys", value: "N,N,...", "The keyspace sizes whose update downtime is measured.", default: "0,10000,100000,1000000"),
            OptionSpec("--updates", value: "N", "Updates of the soak under load (e.g. 1000).", default: "0: no soak"),
        ])

    /// A `liu fleet VERB FILE …` command.
    static func fleetCommand(_ verb: String, _ abstract: String, _ discussion: String, arguments: [ArgumentSpec] = [],
                             options: [OptionSpec] = []) -> CommandSpec {
        CommandSpec(name: "fleet \(verb)", abstract: abstract, discussion: discussion,
                    arguments: [ArgumentSpec("FILE", "The fleet file (docs/fleet.md).")] + arguments, options: options)
    }

    static let fleetUp = fleetCommand("up", "Start a fleet's guests as libvirt domains.",
        "Starts every guest of FILE as a transient libvirt domain named liu-fleet-FLEET-GUEST (direct kernel boot, KVM where it can run the target, else TCG; serial console to FLEET.consoles/GUEST.log; on_reboot=restart), waits until each update port answers and registers the known-good images.",
        options: [OptionSpec("--attach", "Stay in the foreground: the domains live as long as liu does (libvirt's autodestroy) and Ctrl-C removes them.")])

    static let fleetStatus = fleetCommand("status", "Show every guest of a fleet.",
        "One row a guest: the domain's state, the image label it runs, its trial, its last update's outcome and downtime.",
        options: [OptionSpec("--json", "Print JSON (each guest with its liu status --json object) instead of a table.")])

    static let fleetDown = fleetCommand("down", "Remove a fleet's domains.",
        "Destroys, all at once, every domain named after the fleet (liu-fleet-FLEET-), also those of guests no longer in FILE and those a killed liu left.")

    static let fleetRollout = fleetCommand("rollout", "Update a fleet stage by stage, halting at failures.",
        "Pushes BUNDLE to the canary guests, waits for each verdict (confirmed, rolled back, reset, refused: as liu push reports them; a reset is also noticed from libvirt's reboot event), then goes on wave by wave in the file's order. After a stage with more failed guests than --max-failures it halts and leaves the rest on their image. Prints the progress, then which guest runs what. Exit 0: every guest confirmed; 2: more failures than allowed; 3: failures within the allowance.",
        arguments: [ArgumentSpec("BUNDLE", "The signed bundle; {target} in it becomes each guest's target (i686, x86_64, aarch64).")],
        options: [
            OptionSpec("--canary", value: "N", "Guests updated first, on their own.", default: "1"),
            OptionSpec("--wave", value: "N", "Guests updated at once in each later stage.", default: "1"),
            OptionSpec("--max-failures", value: "N", "Failed guests allowed before the rollout halts.", default: "0"),
            OptionSpec("--json", "Print the report as JSON (no progress lines)."),
        ])

    static let help = CommandSpec(
        name: "help",
        abstract: "Show the help of a command.",
        arguments: [ArgumentSpec("COMMAND", "The command, e.g. run or bench update.", optional: true)])

    // MARK: Texts

    /// `liu`, `liu help`, `liu -h`: what liu is and its commands, one line each.
    public static var overview: String {
        var lines = ["OVERVIEW: Build Embedded Swift unikernels, boot them in QEMU, update them live.", "",
                     "USAGE: liu COMMAND [OPTIONS]", "", "OPTIONS:"]
        lines += describe("--version", "Show the version.")
        lines += describe("-h, --help", "Show help information.")
        lines += ["", "COMMANDS:"]
        for command in commands { lines += describe(command.name, command.abstract) }
        lines += ["", "  See 'liu help COMMAND' for a command's options."]
        return lines.joined(separator: "\n")
    }

    /// `liu help bench`, `liu bench -h`.
    static var benchOverview: String { groupOverview("bench")! }

    /// `liu help WORD`, `liu WORD -h` for a word that groups commands (`bench`, `fleet`).
    static func groupOverview(_ word: String) -> String? {
        guard let group = group(word) else { return nil }
        var lines = ["OVERVIEW: \(group.overview)", ""]
        lines += usageLines(group.commands)
        lines += ["", "COMMANDS:"]
        for command in group.commands { lines += describe(String(command.name.dropFirst(word.count + 1)), command.abstract) }
        lines += ["", "  See 'liu help \(word) COMMAND' for a \(group.noun)'s options."]
        return lines.joined(separator: "\n")
    }

    /// The help of `command` ("run", "bench", "bench update"), or nil for no such command.
    public static func text(for command: String) -> String? {
        groupOverview(command) ?? spec(command)?.helpText
    }

    /// What a usage error prints: the error, the usage of only the command it concerns and
    /// where its help is.
    public static func errorText(_ error: UsageError) -> String {
        let name = error.command
        let usage: [String]
        if let name, let group = group(name) {
            usage = usageLines(group.commands)
        } else if let name, let spec = spec(name) {
            usage = usageLines([spec])
        } else {
            usage = ["USAGE: liu COMMAND [OPTIONS]"]
        }
        let prefix = name.map { "liu \($0)" } ?? "liu"
        let hint = name.map { $0 == "help" ? "see 'liu help'" : "see 'liu help \($0)'" } ?? "see 'liu help'"
        return (["\(prefix): error: \(error.description)"] + usage + [hint]).joined(separator: "\n")
    }

    /// `USAGE: liu …` for each of `specs`, the later ones under the first.
    static func usageLines(_ specs: [CommandSpec]) -> [String] {
        var lines: [String] = []
        for spec in specs {
            for line in spec.usage {
                lines.append((lines.isEmpty ? "USAGE: " : "       ") + line)
            }
        }
        return lines
    }

    /// One line (or more, wrapped) of a list: a label, then its description at `descriptionColumn`.
    static func describe(_ label: String, _ description: String) -> [String] {
        let indent = String(repeating: " ", count: descriptionColumn)
        let labelled = "  " + label
        var lines = wrap(description, width: width - descriptionColumn).map { indent + $0 }
        if labelled.count < descriptionColumn - 1, !lines.isEmpty {
            lines[0] = labelled + String(repeating: " ", count: descriptionColumn - labelled.count) + lines[0].dropFirst(descriptionColumn)
        } else {
            lines.insert(labelled, at: 0)
        }
        return lines
    }

    /// `text` broken into lines of at most `width` characters at spaces (a longer word keeps its line).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

/// A command of `liu`: what it does, its positional arguments and its options.
public struct CommandSpec: Sendable {
    /// As typed after `liu`: "run", "bench storage".
    public let name: String
    /// One line, for `liu help`'s list and the start of the overview.
    public let abstract: String
    public let discussion: String?
    public let arguments: [ArgumentSpec]
    public let options: [OptionSpec]

    init(name: String, abstract: String, discussion: String? = nil, arguments: [ArgumentSpec] = [], options: [OptionSpec] = []) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.arguments = arguments
        self.options = options
    }

    /// The option `name` is one of the names of.
    func option(named name: String) -> OptionSpec? {
        options.first { $0.names.contains(name) }
    }

    /// `liu CMD ARGUMENTS [OPTIONS]`, wrapped under the command's name; options in one group
    /// (they exclude each other) are written `[A | B]`.
    public var usage: [String] {
        var words = arguments.map { $0.optional ? "[\($0.name)]" : $0.name }
        var index = 0
        while index < options.count {
            let option = options[index]
            var members = [option]
            if let group = option.group {
                while index + members.count < options.count, options[index + members.count].group == group {
                    members.append(options[index + members.count])
                }
            }
            index += members.count
            let text = members.map(\.usage).joined(separator: " | ")
            words.append(members.count == 1 && option.required ? text : "[\(text)]")
        }
        let head = "liu \(name)"
        let indent = String(repeating: " ", count: head.count + 1)
        var lines: [String] = []
        var line = head
        for word in words {
            if line.count + 1 + word.count > CommandHelp.width - "USAGE: ".count, line.count > indent.count {
                lines.append(line)
                line = indent + word
            } else {
                line += " " + word
            }
        }
        lines.append(line)
        return lines
    }

    /// What `liu CMD --help` prints.
    public var helpText: String {
        var lines = ["OVERVIEW: \(abstract)"]
        if let discussion { lines += [""] + CommandHelp.wrap(discussion, width: CommandHelp.width) }
        lines += [""] + CommandHelp.usageLines([self])
        if !arguments.isEmpty {
            lines += ["", "ARGUMENTS:"]
            for argument in arguments { lines += CommandHelp.describe(argument.name, argument.help) }
        }
        lines += ["", "OPTIONS:"]
        for option in options {
            let label = option.names.joined(separator: ", ") + (option.value.map { " \($0)" } ?? "")
            var description = option.help
            if let value = option.defaultValue { description += " (default: \(value))" }
            lines += CommandHelp.describe(label, description)
        }
        lines += CommandHelp.describe("-h, --help", "Show help information.")
        return lines.joined(separator: "\n")
    }
}

public struct ArgumentSpec: Sendable {
    public let name: String
    public let help: String
    public let optional: Bool

    init(_ name: String, _ help: String, optional: Bool = false) {
        self.name = name
        self.help = help
        self.optional = optional
    }
}

/// An option: a flag, or a name followed by a value.
public struct OptionSpec: Sendable {
    /// The names it goes by; the first is the one the parser asks for.
    public let names: [String]
    /// The value's placeholder in help texts; nil for a flag.
    public let value: String?
    public let help: String
    /// What applies without the option, for a person.
    public let defaultValue: String?
    public let required: Bool
    /// Given more than once, every value counts (otherwise that is an error).
    public let repeatable: Bool
    /// Neighbouring options with the same group exclude each other.
    public let group: String?

    init(_ name: String, value: String? = nil, _ help: String, default defaultValue: String? = nil,
         required: Bool = false, repeatable: Bool = false, group: String? = nil) {
        names = [name]
        self.value = value
        self.help = help
        self.defaultValue = defaultValue
        self.required = required
        self.repeatable = repeatable
        self.group = group
    }

    var name: String { names[0] }

    var usage: String {
        (value.map { "\(name) \($0)" } ?? name) + (repeatable ? " ..." : "")
    }
}

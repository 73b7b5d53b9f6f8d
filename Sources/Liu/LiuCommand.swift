import Foundation

/// `liu`'s command line: parsed into a command, then run.
public enum LiuCommand: Equatable {
    /// `service` nil: every service in the repository's `Services/`.
    case build(targets: [KernelTarget], service: String?, label: String?, selfTests: Bool = false, signing: BuildSigning = BuildSigning())
    case new(name: String, path: String?)
    case run(RunOptions)
    case benchStorage(targets: [KernelTarget], accelerator: Accelerator?)
    case benchSignature(targets: [KernelTarget])
    case benchBoot(BootBench.Options)
    case benchUpdate(UpdateBench.Options)
    case benchHttp(targets: [KernelTarget], accelerator: Accelerator?, seconds: Int, updates: Int, connections: Int)
    case benchKv(targets: [KernelTarget], accelerator: Accelerator, requests: Int, keyCounts: [Int], soakUpdates: Int)
    case push(PushOptions)
    case status(destination: String, json: Bool)
    case keygen(name: String)
    case sign(file: String, key: String)
    case verify(file: String, key: String, signature: String)
    case demo(target: KernelTarget, accelerator: Accelerator?)
    case fleetUp(file: String, attach: Bool)
    case fleetStatus(file: String, json: Bool)
    case fleetDown(file: String)
    case fleetRollout(file: String, Fleet.RolloutOptions)
    /// nil: the overview of every command.
    case help(command: String?)
    case version

    public struct PushOptions: Equatable {
        public var image: String
        public var destination: String
        /// Wait for the new image's verdict (confirmed, rolled back, reset); `--no-wait` skips it.
        public var wait = true
        /// Register the image as the known-good one (port 667) instead of updating to it.
        public var knownGood = false

        public init(image: String, destination: String, wait: Bool = true, knownGood: Bool = false) {
            self.image = image
            self.destination = destination
            self.wait = wait
            self.knownGood = knownGood
        }
    }

    public struct RunOptions: Equatable {
        public var target: KernelTarget
        public var machine: Machine?
        public var accelerator: Accelerator?
        public var image: String?
        /// A service folder to build and boot (default: `Services/hello`).
        public var service: String?
        public var commandLine = ""
        public var timeout: Double?
        /// `-p` forwards; the service's ports and the update ports are forwarded anyway.
        public var ports: [PortMapping] = []
        /// A tap interface instead of user networking.
        public var tap: String?
        public var memoryMiB: Int?
        public var qemuArguments: [String] = []
    }

    /// The command's name as typed: "run", "bench storage".
    var name: String {
        switch self {
        case .build: "build"
        case .new: "new"
        case .run: "run"
        case .benchStorage: "bench storage"
        case .benchSignature: "bench signature"
        case .benchBoot: "bench boot"
        case .benchUpdate: "bench update"
        case .benchHttp: "bench http"
        case .benchKv: "bench kv"
        case .push: "push"
        case .status: "status"
        case .keygen: "keygen"
        case .sign: "sign"
        case .verify: "verify"
        case .demo: "demo"
        case .fleetUp: "fleet up"
        case .fleetStatus: "fleet status"
        case .fleetDown: "fleet down"
        case .fleetRollout: "fleet rollout"
        case .help: "help"
        case .version: "--version"
        }
    }

    /// Every command's usage lines.
    public static var usage: String {
        CommandHelp.usageLines(CommandHelp.commands).joined(separator: "\n")
    }

    public static func parse(_ arguments: [String]) throws(UsageError) -> LiuCommand {
        var asked: Set<String> = []
        return try parse(arguments, asked: &asked)
    }

    /// `asked` collects the options the parser looked for, for the test that every option in
    /// the table is read and every option read is in the table.
    static func parse(_ arguments: [String], asked: inout Set<String>) throws(UsageError) -> LiuCommand {
        guard let verb = arguments.first else { return .help(command: nil) }
        var rest = Array(arguments.dropFirst())
        switch verb {
        case "help", "--help", "-h":
            guard verb == "help", !rest.isEmpty else { return .help(command: nil) }
            if rest == ["-h"] || rest == ["--help"] { return .help(command: "help") }
            let name = rest.joined(separator: " ")
            guard CommandHelp.text(for: name) != nil else {
                throw UsageError("unknown command '\(name)'; the commands are: " + CommandHelp.verbs.joined(separator: ", "),
                                 command: "help")
            }
            return .help(command: name)
        case "--version":
            guard rest.isEmpty else { throw UsageError("unexpected argument '\(rest[0])' after --version") }
            return .version
        case "bench", "fleet":
            let group = CommandHelp.group(verb)!
            let names = group.commands.map { String($0.name.dropFirst(verb.count + 1)) }.joined(separator: ", ")
            guard let word = rest.first, !word.hasPrefix("-") else {
                if rest.first == "-h" || rest.first == "--help" { return .help(command: verb) }
                throw UsageError("missing the \(group.noun): \(names)", command: verb)
            }
            guard let spec = CommandHelp.spec("\(verb) \(word)") else {
                throw UsageError("unknown \(group.noun) '\(word)'; use one of: \(names)", command: verb)
            }
            rest.removeFirst()
            return try parse(rest, for: spec, asked: &asked)
        default:
            guard let spec = CommandHelp.spec(verb) else {
                throw UsageError("unknown command '\(verb)'; the commands are: " + CommandHelp.verbs.joined(separator: ", "))
            }
            return try parse(rest, for: spec, asked: &asked)
        }
    }

    /// Parses the words after the command's name; `-h` or `--help` among them asks for its help.
    private static func parse(_ arguments: [String], for spec: CommandSpec, asked: inout Set<String>) throws(UsageError) -> LiuCommand {
        do throws(UsageError) {
            var options = try ParsedArguments(arguments, spec: spec)
            defer { asked.formUnion(options.asked) }
            if options.helpRequested { return .help(command: spec.name) }
            return try parse(&options, spec.name)
        } catch {
            throw error.concerning(spec.name)
        }
    }

    private static func parse(_ options: inout ParsedArguments, _ name: String) throws(UsageError) -> LiuCommand {
        switch name {
        case "new":
            let path = try options.value(for: "--path")
            guard let name = options.next() else { throw UsageError("missing the service's NAME") }
            try options.finish()
            return .new(name: name, path: path)
        case "build":
            let name = try options.value(for: "--target") ?? "all"
            let service = try options.value(for: "--service")
            let label = try options.value(for: "--label")
            let selfTests = options.flag("--self-tests")
            var signing = BuildSigning(secretKey: try options.value(for: "--sign"), trustedKeys: try options.values(for: "--trust"))
            if let version = try options.value(for: "--security-version") {
                guard let number = UInt64(version) else {
                    throw UsageError("--security-version takes a whole number from 0 to \(UInt64.max): '\(version)'")
                }
                signing.securityVersion = number
            }
            try options.finish()
            return .build(targets: try targets(named: name), service: service, label: label, selfTests: selfTests, signing: signing)
        case "run":
            guard let name = try options.value(for: "--target") else {
                throw UsageError("missing --target TARGET (\(KernelTarget.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            var run = RunOptions(target: try target(named: name))
            if let machine = try options.value(for: "--machine") {
                guard let parsed = Machine(rawValue: machine), run.target.machines.contains(parsed) else {
                    throw UsageError("machine '\(machine)' is not available for \(name); use one of: "
                        + run.target.machines.map(\.rawValue).joined(separator: ", "))
                }
                run.machine = parsed
            }
            run.accelerator = try options.accelerator()
            run.image = try options.value(for: "--image")
            run.service = try options.value(for: "--service")
            if run.image != nil && run.service != nil { throw UsageError("--image and --service exclude each other") }
            run.commandLine = try options.value(for: "--append") ?? ""
            run.ports = try options.values(for: "-p").map { text throws(UsageError) in try PortMapping.parse(text) }
            run.tap = try options.value(for: "--tap")
            if run.tap != nil && !run.ports.isEmpty { throw UsageError("-p forwards ports of user networking; --tap replaces it") }
            if let memory = try options.value(for: "--memory") {
                guard let mib = Int(memory), (16...65536).contains(mib) else { throw UsageError("--memory takes MiB from 16 to 65536, not '\(memory)'") }
                run.memoryMiB = mib
            }
            run.qemuArguments = try options.values(for: "--qemu-arg")
            if let seconds = try options.value(for: "--timeout") {
                guard let value = Double(seconds), value > 0 else { throw UsageError("--timeout takes a positive number of seconds, not '\(seconds)'") }
                run.timeout = value
            }
            try options.finish()
            return .run(run)
        case "bench boot":
            let runs = try options.value(for: "--runs") ?? "10"
            var bench = BootBench.Options(runs: try count(runs))
            bench.icount = options.flag("--icount")
            bench.json = options.flag("--json")
            bench.svg = try options.value(for: "--svg")
            try options.finish()
            return .benchBoot(bench)
        case "bench update":
            let targets = try targets(named: try options.value(for: "--target") ?? "all")
            let machine = try options.value(for: "--machine").map { name throws(UsageError) in
                guard let machine = Machine(rawValue: name) else {
                    throw UsageError("unknown machine '\(name)'; use one of: " + Machine.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return machine
            }
            var bench = UpdateBench.Options(targets: targets, machine: machine, accelerator: try options.accelerator(),
                                            runs: try count(try options.value(for: "--runs") ?? "30"))
            bench.icount = options.flag("--icount")
            if bench.icount && bench.accelerator != nil { throw UsageError("--icount runs under TCG; it excludes --kvm and --tcg") }
            bench.json = options.flag("--json")
            bench.svg = try options.value(for: "--svg")
            bench.profile = try options.value(for: "--profile").map { text throws(UsageError) in try count(text, option: "--profile") }
            if bench.profile != nil && (!bench.icount || bench.json) { throw UsageError("--profile needs --icount and prints text: not with --json") }
            try options.finish()
            return .benchUpdate(bench)
        case "bench http":
            let targets = try targets(named: try options.value(for: "--target") ?? "all")
            let accelerator = try options.accelerator()
            let seconds = try count(try options.value(for: "--seconds") ?? "10", option: "--seconds")
            let updates = try count(try options.value(for: "--updates") ?? "20", option: "--updates")
            let connections = try count(try options.value(for: "--connections") ?? "64", option: "--connections")
            try options.finish()
            return .benchHttp(targets: targets, accelerator: accelerator, seconds: seconds, updates: updates, connections: connections)
        case "bench kv":
            let targets = try targets(named: try options.value(for: "--target") ?? "x86_64")
            let accelerator = try options.accelerator() ?? .tcg
            let requests = try count(try options.value(for: "--requests") ?? "100000", option: "--requests")
            let keyCounts = try (try options.value(for: "--keys") ?? "0,10000,100000,1000000").split(separator: ",", omittingEmptySubsequences: false)
                .map { word throws(UsageError) in
                    guard let keys = Int(word), keys >= 0 else { throw UsageError("--keys takes counts separated by commas, not '\(word)'") }
                    return keys
                }
            let soakUpdates = try options.value(for: "--updates").map { value throws(UsageError) in try count(value, option: "--updates") } ?? 0
            try options.finish()
            return .benchKv(targets: targets, accelerator: accelerator, requests: requests, keyCounts: keyCounts, soakUpdates: soakUpdates)
        case "bench storage":
            let targets = try targets(named: try options.value(for: "--target") ?? "all")
            let accelerator = try options.accelerator()
            try options.finish()
            return .benchStorage(targets: targets, accelerator: accelerator)
        case "bench signature":
            let targets = try targets(named: try options.value(for: "--target") ?? "all")
            try options.finish()
            return .benchSignature(targets: targets)
        case "demo":
            let name = try options.value(for: "--target") ?? "x86_64"
            let accelerator = try options.accelerator()
            try options.finish()
            return .demo(target: try target(named: name), accelerator: accelerator)
        case "push":
            guard let destination = try options.value(for: "--to") else { throw UsageError("missing --to HOST:PORT (the kernel's update port)") }
            let noWait = options.flag("--no-wait"), knownGood = options.flag("--known-good")
            guard let image = options.next() else { throw UsageError("missing the IMAGE to send") }
            try options.finish()
            _ = try Push.parse(destination)
            return .push(PushOptions(image: image, destination: destination, wait: !noWait, knownGood: knownGood))
        case "status":
            let json = options.flag("--json")
            guard let destination = options.next() else { throw UsageError("missing HOST:PORT (the kernel's update port)") }
            try options.finish()
            _ = try Push.parse(destination)
            return .status(destination: destination, json: json)
        case "keygen":
            guard let name = options.next() else { throw UsageError("missing the key's NAME") }
            try options.finish()
            return .keygen(name: name)
        case "sign":
            guard let key = try options.value(for: "--key") else { throw UsageError("missing --key NAME.key (the secret key file)") }
            guard let file = options.next() else { throw UsageError("missing the FILE to sign") }
            try options.finish()
            return .sign(file: file, key: key)
        case "verify":
            guard let key = try options.value(for: "--key") else { throw UsageError("missing --key NAME.pub (the public key file)") }
            let signature = try options.value(for: "--signature")
            guard let file = options.next() else { throw UsageError("missing the FILE to check") }
            try options.finish()
            return .verify(file: file, key: key, signature: signature ?? file + ".sig")
        case "fleet up", "fleet status", "fleet down":
            let attach = name == "fleet up" && options.flag("--attach")
            let json = name == "fleet status" && options.flag("--json")
            guard let file = options.next() else { throw UsageError("missing the fleet FILE") }
            try options.finish()
            switch name {
            case "fleet up": return .fleetUp(file: file, attach: attach)
            case "fleet status": return .fleetStatus(file: file, json: json)
            default: return .fleetDown(file: file)
            }
        case "fleet rollout":
            var rollout = Fleet.RolloutOptions(bundle: "")
            rollout.canary = try count(try options.value(for: "--canary") ?? "1", option: "--canary")
            rollout.wave = try count(try options.value(for: "--wave") ?? "1", option: "--wave")
            let failures = try options.value(for: "--max-failures") ?? "0"
            guard let maxFailures = Int(failures), maxFailures >= 0 else { throw UsageError("--max-failures takes a whole number, not '\(failures)'") }
            rollout.maxFailures = maxFailures
            rollout.json = options.flag("--json")
            guard let file = options.next() else { throw UsageError("missing the fleet FILE") }
            guard let bundle = options.next() else { throw UsageError("missing the BUNDLE to roll out") }
            try options.finish()
            rollout.bundle = bundle
            return .fleetRollout(file: file, rollout)
        default:
            // A command in the table without a case here.
            throw UsageError("'\(name)' is not carried out by this liu")
        }
    }

    static func target(named name: String) throws(UsageError) -> KernelTarget {
        guard let target = KernelTarget(rawValue: name) else {
            throw UsageError("unknown target '\(name)'; use one of: " + KernelTarget.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return target
    }

    /// One target, or every target for `all`.
    static func targets(named name: String) throws(UsageError) -> [KernelTarget] {
        if name == "all" { return KernelTarget.allCases }
        guard let target = KernelTarget(rawValue: name) else {
            throw UsageError("unknown target '\(name)'; use one of: " + KernelTarget.allCases.map(\.rawValue).joined(separator: ", ") + ", all")
        }
        return [target]
    }

    static func count(_ text: String, option: String = "--runs") throws(UsageError) -> Int {
        guard let count = Int(text), count > 0 else { throw UsageError("\(option) takes a positive whole number, not '\(text)'") }
        return count
    }
}

public struct UsageError: Error, Equatable, CustomStringConvertible {
    public let description: String
    /// The command it concerns ("run", "bench storage"); nil: no command could be read.
    public private(set) var command: String?

    init(_ description: String, command: String? = nil) {
        self.description = description
        self.command = command
    }

    /// This error, as one of `command`'s unless it names its command already.
    func concerning(_ command: String) -> UsageError {
        var error = self
        if error.command == nil { error.command = command }
        return error
    }
}

/// A command's words sorted into options (checked against the command's table) and positional
/// arguments; the parser then takes what it needs and `finish()` insists nothing is left.
/// `--name=value` is `--name value`; after `--` every word is positional.
struct ParsedArguments {
    private let spec: CommandSpec
    /// The options given, by their first name, in order.
    private var given: [(name: String, value: String?)] = []
    private var positionals: [String] = []
    /// `-h` or `--help` was given.
    private(set) var helpRequested = false
    /// The names the parser asked for.
    private(set) var asked: Set<String> = []

    init(_ arguments: [String], spec: CommandSpec) throws(UsageError) {
        self.spec = spec
        var firstError: UsageError?
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if word == "--" {
                positionals += arguments[index...]
                break
            }
            if word == "-h" || word == "--help" {
                helpRequested = true
                continue
            }
            guard word.hasPrefix("-"), word.count > 1 else {
                positionals.append(word)
                continue
            }
            var name = word, inlineValue: String?
            if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                inlineValue = String(word[word.index(after: equals)...])
            }
            guard let option = spec.option(named: name) else {
                firstError = firstError ?? UsageError("unknown option '\(name)'" + Self.suggestion(for: name, in: spec))
                continue
            }
            var value: String?
            if option.value != nil {
                if let inlineValue {
                    value = inlineValue
                } else if index < arguments.count {
                    value = arguments[index]
                    index += 1
                } else {
                    firstError = firstError ?? UsageError("\(name) needs a value (\(option.value!))")
                    continue
                }
            } else if inlineValue != nil {
                firstError = firstError ?? UsageError("\(name) takes no value")
                continue
            }
            if !option.repeatable, given.contains(where: { $0.name == option.name }) {
                firstError = firstError ?? UsageError("\(name) is given twice")
                continue
            }
            given.append((option.name, value))
        }
        if let firstError, !helpRequested { throw firstError }
    }

    /// Names that differ from `name` only by a dash or two: `-target` for `--target`.
    private static func suggestion(for name: String, in spec: CommandSpec) -> String {
        let bare = name.drop { $0 == "-" }
        guard let match = spec.options.first(where: { $0.name.drop { $0 == "-" } == bare }) else { return "" }
        return "; did you mean '\(match.name)'?"
    }

    mutating func value(for name: String) throws(UsageError) -> String? {
        asked.insert(name)
        guard let index = given.firstIndex(where: { $0.name == name && $0.value != nil }) else { return nil }
        return given.remove(at: index).value
    }

    /// Every value of a repeatable option, in order.
    mutating func values(for name: String) throws(UsageError) -> [String] {
        var values: [String] = []
        while let value = try value(for: name) { values.append(value) }
        return values
    }

    mutating func flag(_ name: String) -> Bool {
        asked.insert(name)
        guard let index = given.firstIndex(where: { $0.name == name && $0.value == nil }) else { return false }
        given.remove(at: index)
        return true
    }

    /// `--kvm` or `--tcg`, or nil for "the best available".
    mutating func accelerator() throws(UsageError) -> Accelerator? {
        let kvm = flag("--kvm"), tcg = flag("--tcg")
        if kvm && tcg { throw UsageError("--kvm and --tcg exclude each other") }
        return kvm ? .kvm : (tcg ? .tcg : nil)
    }

    /// The next positional word, if any.
    mutating func next() -> String? {
        positionals.isEmpty ? nil : positionals.removeFirst()
    }

    func finish() throws(UsageError) {
        if let extra = positionals.first { throw UsageError("unexpected argument '\(extra)'") }
        // An option in the table the parser did not read (a mistake in liu, caught by the tests).
        if let unread = given.first { throw UsageError("\(unread.name) is not used here") }
    }
}

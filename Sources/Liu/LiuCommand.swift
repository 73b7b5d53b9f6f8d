import Foundation

/// `liu`'s command line: parsed into a command, then run.
public enum LiuCommand: Equatable {
    /// `service` nil: every service in the repository's `Services/`.
    case build(targets: [KernelTarget], service: String?, label: String?)
    case new(name: String, path: String?)
    case run(RunOptions)
    case benchStorage(targets: [KernelTarget], accelerator: Accelerator?)
    case benchBoot(runs: Int)
    case benchUpdate(targets: [KernelTarget], machine: Machine?, accelerator: Accelerator?, runs: Int)
    case push(PushOptions)
    case status(destination: String, json: Bool)
    case demo(target: KernelTarget, accelerator: Accelerator?)
    case help

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

    public static let usage = """
        usage: liu new NAME [--path DIR]
               liu build [--service DIR] [--target i686|x86_64|aarch64|all] [--label LABEL]
               liu run --target T [--machine pc|microvm|virt] [--kvm|--tcg] [--service DIR | --image PATH]
                       [-p [HOST_IP:]HOST_PORT:GUEST_PORT[/udp] ... | --tap IFACE] [--memory MIB]
                       [--append "KERNEL COMMAND LINE"] [--qemu-arg ARG ...] [--timeout SECONDS]
               liu bench storage [--target i686|x86_64|aarch64|all] [--kvm|--tcg]
               liu bench boot [--runs N]
               liu bench update [--target T|all] [--machine M] [--kvm|--tcg] [--runs N]
               liu push IMAGE --to HOST:PORT [--no-wait] [--known-good]
               liu status HOST:PORT [--json]
               liu demo [--target i686|x86_64|aarch64] [--kvm|--tcg]
        """

    public static func parse(_ arguments: [String]) throws(UsageError) -> LiuCommand {
        guard let verb = arguments.first else { return .help }
        var options = OptionReader(Array(arguments.dropFirst()))
        switch verb {
        case "help", "--help", "-h":
            return .help
        case "new":
            let path = try options.value(for: "--path")
            guard let name = options.next() else { throw UsageError("liu new needs the service's name") }
            try options.finish()
            return .new(name: name, path: path)
        case "build":
            let name = try options.value(for: "--target") ?? "all"
            let service = try options.value(for: "--service")
            let label = try options.value(for: "--label")
            try options.finish()
            return .build(targets: name == "all" ? KernelTarget.allCases : [try target(named: name)], service: service, label: label)
        case "run":
            guard let name = try options.value(for: "--target") else {
                throw UsageError("liu run needs --target (i686, x86_64 or aarch64)")
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
                guard let mib = Int(memory), (16...65536).contains(mib) else { throw UsageError("--memory takes MiB from 16 to 65536") }
                run.memoryMiB = mib
            }
            run.qemuArguments = try options.values(for: "--qemu-arg")
            if let seconds = try options.value(for: "--timeout") {
                guard let value = Double(seconds), value > 0 else { throw UsageError("--timeout takes a positive number of seconds") }
                run.timeout = value
            }
            try options.finish()
            return .run(run)
        case "bench":
            let benchmark = options.next()
            if benchmark == "boot" {
                let runs = try options.value(for: "--runs") ?? "10"
                try options.finish()
                guard let count = Int(runs), count > 0 else { throw UsageError("--runs takes a positive whole number") }
                return .benchBoot(runs: count)
            }
            if benchmark == "update" {
                let name = try options.value(for: "--target") ?? "all"
                let targets = name == "all" ? KernelTarget.allCases : [try target(named: name)]
                let machine = try options.value(for: "--machine").map { name throws(UsageError) in
                    guard let machine = Machine(rawValue: name) else { throw UsageError("unknown machine '\(name)'") }
                    return machine
                }
                let accelerator = try options.accelerator()
                let runs = try options.value(for: "--runs") ?? "30"
                try options.finish()
                guard let count = Int(runs), count > 0 else { throw UsageError("--runs takes a positive whole number") }
                return .benchUpdate(targets: targets, machine: machine, accelerator: accelerator, runs: count)
            }
            guard benchmark == "storage" else { throw UsageError("liu bench needs a benchmark name: storage, boot or update") }
            let name = try options.value(for: "--target") ?? "all"
            let accelerator = try options.accelerator()
            try options.finish()
            return .benchStorage(targets: name == "all" ? KernelTarget.allCases : [try target(named: name)],
                                 accelerator: accelerator)
        case "demo":
            let name = try options.value(for: "--target") ?? "x86_64"
            let accelerator = try options.accelerator()
            try options.finish()
            return .demo(target: try target(named: name), accelerator: accelerator)
        case "push":
            guard let destination = try options.value(for: "--to") else { throw UsageError("liu push needs --to HOST:PORT") }
            let noWait = options.flag("--no-wait"), knownGood = options.flag("--known-good")
            guard let image = options.next() else { throw UsageError("liu push needs the image to send") }
            try options.finish()
            _ = try Push.parse(destination)
            return .push(PushOptions(image: image, destination: destination, wait: !noWait, knownGood: knownGood))
        case "status":
            let json = options.flag("--json")
            guard let destination = options.next() else { throw UsageError("liu status needs HOST:PORT (the update port)") }
            try options.finish()
            _ = try Push.parse(destination)
            return .status(destination: destination, json: json)
        default:
            throw UsageError("unknown command '\(verb)'")
        }
    }

    static func target(named name: String) throws(UsageError) -> KernelTarget {
        guard let target = KernelTarget(rawValue: name) else {
            throw UsageError("unknown target '\(name)'; use one of: "
                + KernelTarget.allCases.map(\.rawValue).joined(separator: ", ") + " (or all for build)")
        }
        return target
    }
}

public struct UsageError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Reads `--name value` options and `--flag`s, then insists nothing is left over.
struct OptionReader {
    private var remaining: [String]

    init(_ arguments: [String]) { remaining = arguments }

    mutating func value(for name: String) throws(UsageError) -> String? {
        guard let index = remaining.firstIndex(of: name) else { return nil }
        guard index + 1 < remaining.count else { throw UsageError("\(name) needs a value") }
        let value = remaining[index + 1]
        remaining.removeSubrange(index...(index + 1))
        return value
    }

    /// Every value of a repeatable option, in order.
    mutating func values(for name: String) throws(UsageError) -> [String] {
        var values: [String] = []
        while let value = try value(for: name) { values.append(value) }
        return values
    }

    mutating func flag(_ name: String) -> Bool {
        guard let index = remaining.firstIndex(of: name) else { return false }
        remaining.remove(at: index)
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
        remaining.isEmpty ? nil : remaining.removeFirst()
    }

    func finish() throws(UsageError) {
        if let extra = remaining.first { throw UsageError("unexpected argument '\(extra)'") }
    }
}

import Foundation

/// `liu`'s command line: parsed into a command, then run.
public enum LiuCommand: Equatable {
    case build(targets: [KernelTarget], label: String?)
    case run(RunOptions)
    case benchStorage(targets: [KernelTarget], accelerator: Accelerator?)
    case benchBoot(runs: Int)
    case benchUpdate(targets: [KernelTarget], machine: Machine?, accelerator: Accelerator?, runs: Int)
    case push(image: String, destination: String)
    case demo(target: KernelTarget, accelerator: Accelerator?)
    case help

    public struct RunOptions: Equatable {
        public var target: KernelTarget
        public var machine: Machine?
        public var accelerator: Accelerator?
        public var image: String?
        public var commandLine = ""
        public var timeout: Double?
    }

    public static let usage = """
        usage: liu build [--target i686|x86_64|aarch64|all] [--version LABEL]
               liu run --target T [--machine pc|microvm|virt] [--kvm|--tcg] [--image PATH]
                       [--append "KERNEL COMMAND LINE"] [--timeout SECONDS]
               liu bench storage [--target i686|x86_64|aarch64|all] [--kvm|--tcg]
               liu bench boot [--runs N]
               liu bench update [--target T|all] [--machine M] [--kvm|--tcg] [--runs N]
               liu push IMAGE --to HOST:PORT
               liu demo [--target i686|x86_64|aarch64] [--kvm|--tcg]
        """

    public static func parse(_ arguments: [String]) throws(UsageError) -> LiuCommand {
        guard let verb = arguments.first else { return .help }
        var options = OptionReader(Array(arguments.dropFirst()))
        switch verb {
        case "help", "--help", "-h":
            return .help
        case "build":
            let name = try options.value(for: "--target") ?? "all"
            let label = try options.value(for: "--version")
            try options.finish()
            return .build(targets: name == "all" ? KernelTarget.allCases : [try target(named: name)], label: label)
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
            run.commandLine = try options.value(for: "--append") ?? ""
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
            guard let image = options.next() else { throw UsageError("liu push needs the image to send") }
            try options.finish()
            _ = try Push.parse(destination)
            return .push(image: image, destination: destination)
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

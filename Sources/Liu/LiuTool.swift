import Foundation

/// Carries out `liu` commands; returns the process exit code.
public enum LiuTool {
    public static func main(_ arguments: [String]) -> Int32 {
        var command: LiuCommand?
        do {
            let parsed = try LiuCommand.parse(arguments)
            command = parsed
            switch parsed {
            case .help(let name):
                print(name.flatMap(CommandHelp.text(for:)) ?? CommandHelp.overview)
                return 0
            case .version:
                print(CommandHelp.versionLine)
                return 0
            case .build(let targets, let service, let label, let selfTests, let signing):
                return try build(targets: targets, service: service, label: label, selfTests: selfTests, signing: signing)
            case .new(let name, let path):
                let folder = try ServiceTemplate.write(name: name, into: path.map { URL(fileURLWithPath: $0) })
                print("liu new: wrote the service \(name) in \(folder.path)")
                print("liu new: build it with: liu build --service \(folder.path)")
                return 0
            case .run(let options):
                stopOnSignals()
                return try run(options)
            case .benchStorage(let targets, let accelerator):
                stopOnSignals()
                return try StorageBench.run(targets: targets, accelerator: accelerator)
            case .benchSignature(let targets):
                stopOnSignals()
                return try SignatureBench.run(targets: targets)
            case .benchBoot(let options):
                stopOnSignals()
                return try BootBench.run(options)
            case .benchUpdate(let options):
                stopOnSignals()
                return try UpdateBench.run(options)
            case .benchHttp(let targets, let accelerator, let seconds, let updates, let connections):
                stopOnSignals()
                return try HttpBench.run(targets: targets, accelerator: accelerator ?? .tcg, seconds: seconds, updates: updates,
                                         connections: connections)
            case .benchKv(let targets, let accelerator, let requests, let keyCounts, let soakUpdates):
                stopOnSignals()
                return try KvBench.run(KvBench.Options(targets: targets, accelerator: accelerator, requests: requests,
                                                       keyCounts: keyCounts, soakUpdates: soakUpdates))
            case .push(let options):
                return try Push.run(options)
            case .status(let destination, let json):
                return try StatusCommand.run(destination: destination, json: json)
            case .keygen(let name):
                return try KeyCommands.runKeygen(name: name)
            case .sign(let file, let key):
                return try KeyCommands.runSign(file: file, keyPath: key)
            case .verify(let file, let key, let signature):
                return try KeyCommands.runVerify(file: file, keyPath: key, signaturePath: signature)
            case .demo(let target, let accelerator):
                stopOnSignals()
                return try Demo.run(target: target, accelerator: accelerator)
            case .fleetUp, .fleetStatus, .fleetDown, .fleetRollout:
                stopOnSignals()
                return try FleetCommand.run(parsed)
            }
        } catch let error as UsageError {
            FileHandle.standardError.write(Data((CommandHelp.errorText(error) + "\n").utf8))
            return 64
        } catch {
            // Stopping QEMU makes the command fail; the signal handler says why and exits.
            Interruption.holdIfInterrupted()
            let name = command.map { "liu \($0.name)" } ?? "liu"
            FileHandle.standardError.write(Data("\(name): error: \(error)\n".utf8))
            return 1
        }
    }

    /// Builds the service in `service` (every built-in one when nil) for `targets`, saying what
    /// it compiles, and prints each image with its size.
    static func build(targets: [KernelTarget], service: String?, label: String?, selfTests: Bool,
                      signing: BuildSigning) throws -> Int32 {
        var builder = KernelBuild(packageRoot: try KernelBuild.locatePackageRoot())
        builder.progress = { step in print("liu build: \(step)") }
        builder.signing = signing
        let folders = service.map { [URL(fileURLWithPath: $0).standardizedFileURL] }
            ?? KernelBuild.builtInServices.map(builder.builtInService)
        for folder in folders {
            for target in targets {
                let image = try label.map { try builder.build(service: folder, for: target, selfTests: selfTests, label: $0) }
                    ?? builder.build(service: folder, for: target, selfTests: selfTests)
                let bundle = KernelBuild.bundlePath(forImage: image)
                let size = { (file: URL) in (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0 }
                print("\(target.rawValue): \(image.path) (\(size(image)) bytes), signed bundle \(bundle.lastPathComponent) (\(size(bundle)) bytes)")
            }
        }
        return 0
    }

    /// Boots an image with the serial console on stdout, on the network the options ask for;
    /// the guest's exit status becomes liu's (a guest that ends without one gives 125, a
    /// timeout 124).
    static func run(_ options: LiuCommand.RunOptions) throws -> Int32 {
        let accelerator = try chooseAccelerator(options)
        let image: URL
        var manifest: ServiceManifest?
        if let path = options.image {
            image = URL(fileURLWithPath: path)
            guard FileManager.default.fileExists(atPath: image.path) else { throw ToolFailure(description: "no image at \(path)") }
        } else {
            let builder = KernelBuild(packageRoot: try KernelBuild.locatePackageRoot())
            let folder = options.service.map { URL(fileURLWithPath: $0) } ?? builder.builtInService("hello")
            manifest = try ServiceManifest(folder: folder)
            image = try builder.build(service: folder, for: options.target)
        }
        var configuration = QEMUConfiguration(target: options.target, machine: options.machine ?? options.target.machines[0],
                                              accelerator: accelerator, image: image)
        configuration.commandLine = options.commandLine
        configuration.memoryMiB = options.memoryMiB ?? manifest?.memoryMiB ?? configuration.memoryMiB
        configuration.extraArguments = options.qemuArguments
        if let tap = options.tap {
            configuration.network = TapNetwork(interface: tap)
        } else {
            let (network, endpoints) = try RunNetwork.user(service: manifest, mappings: options.ports)
            configuration.network = network
            print("liu run: " + endpoints.joined(separator: ", "))
        }
        let instance = try QEMU.start(configuration, echo: true)
        _ = instance.waitForExit(timeout: options.timeout ?? 10 * 365 * 86_400)
        // An interrupted run: the signal handler stopped QEMU and ends liu (130, 143).
        Interruption.holdIfInterrupted()
        let result = instance.stop()
        FileHandle.standardError.write(Data("liu: guest ended: \(result.exit)\n".utf8))
        switch result.exit {
        case .status(let status): return Int32(status)
        case .resetOrPowerOff: return 125
        case .timedOut: return 124
        case .qemuFailed(let code): return code
        }
    }

    /// A command that runs QEMU and is interrupted (SIGINT, SIGTERM, SIGHUP) stops every QEMU
    /// it started and exits 128 + the signal: see `Interruption`.
    static func stopOnSignals() {
        Interruption.install()
    }

    static func chooseAccelerator(_ options: LiuCommand.RunOptions) throws -> Accelerator {
        try chooseAccelerator(options.accelerator, for: options.target)
    }

    /// The requested accelerator after checking it can run `target`; without a request, KVM
    /// where it can run the target, else TCG with a note on stderr (`AcceleratorChoice`).
    static func chooseAccelerator(_ requested: Accelerator?, for target: KernelTarget) throws -> Accelerator {
        let choice = try AcceleratorChoice.choose(requested, for: target, facts: .here)
        if let note = choice.note { FileHandle.standardError.write(Data((note + "\n").utf8)) }
        return choice.accelerator
    }
}

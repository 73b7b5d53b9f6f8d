import Foundation

/// Builds kernel images in two parts. The kernel (the shared Swift modules and `Kernel` in
/// Embedded mode, the assembly with clang) is compiled once per target into
/// `.build/kernel/TARGET` and reused by every service; a service folder is compiled against it
/// and linked with ld.lld and the target's linker script (`build(service:for:)`).
public struct KernelBuild: Sendable {
    public let packageRoot: URL
    /// Told what is being compiled or linked, as it starts (`liu build` prints it).
    public var progress: @Sendable (String) -> Void = { _ in }
    /// How built images are signed and what they trust.
    public var signing = BuildSigning()

    /// Modules compiled into every image, in dependency order; `Kernel` comes last.
    static let sharedModules = ["LiveUpdate", "KernelCore", "Net"]

    /// The two one-function modules that decide whether an image carries the kernel's
    /// self-tests (`test=NAME`): an image links one of them (`selfTestHook(_:linked:)`).
    static let selfTestHooks = ["SelfTestsLinked", "SelfTestsLeftOut"]

    /// The services in the repository's `Services/` folder, examples to copy.
    public static let builtInServices = ["hello", "echo", "counter", "http", "kv"]

    public init(packageRoot: URL) {
        self.packageRoot = packageRoot
    }

    /// The folder of a service in `Services/`.
    public func builtInService(_ name: String) -> URL {
        packageRoot.appendingPathComponent("Services/\(name)")
    }

    /// Where the kernel's objects and Swift modules for `target` go.
    public func kernelFolder(_ target: KernelTarget) -> URL {
        packageRoot.appendingPathComponent(".build/kernel/\(target.rawValue)")
    }

    /// Compiles what changed of the kernel for `target` and returns its objects. Several builds
    /// at once (tests, two `liu build`s) take turns on a lock file.
    func kernelObjects(_ target: KernelTarget) throws -> [URL] {
        let output = kernelFolder(target)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        return try FileLock.holding(output.appendingPathComponent(".lock")) {
            var objects: [URL] = []
            var newestInput = Date.distantPast
            for module in Self.sharedModules {
                let sources = swiftSources(in: packageRoot.appendingPathComponent("Sources/\(module)"))
                guard !sources.isEmpty else { continue }
                newestInput = max(newestInput, try compileSwift(module: module, sources: sources, target: target,
                                                                into: output, after: newestInput))
                objects.append(output.appendingPathComponent("\(module).o"))
            }
            let kernel = packageRoot.appendingPathComponent("Sources/Kernel")
            let kernelSources = swiftSources(in: kernel, skipping: "Arch")
                + target.archFolders.flatMap { swiftSources(in: kernel.appendingPathComponent("Arch/\($0)")) }
            _ = try compileSwift(module: "Kernel", sources: kernelSources, target: target, into: output, after: newestInput)
            objects.append(output.appendingPathComponent("Kernel.o"))
            for hook in Self.selfTestHooks {
                let source = packageRoot.appendingPathComponent("Sources/SelfTestHook/\(hook).swift")
                _ = try compileSwift(module: hook, sources: [source], target: target, into: output, after: .distantPast)
            }
            // Assembly sources may #include shared .inc files: any change to one rebuilds them all.
            let includes = files(in: packageRoot.appendingPathComponent("Sources"), withExtension: "inc", skipping: nil)
            for source in assemblySources(target) {
                let object = output.appendingPathComponent(objectName(for: source))
                if isStale(object, inputs: [source] + includes) {
                    progress("\(target.rawValue): assembling \(source.lastPathComponent)")
                    try Shell.run("clang", ["-target", target.triple, "-c", source.path, "-o", object.path])
                }
                objects.append(object)
            }
            return objects
        }
    }

    /// The object of the self-test hook for `target` (compiled by `kernelObjects`): the one
    /// that runs the kernel's self-tests when `linked`, else the one that leaves them out.
    func selfTestHook(_ target: KernelTarget, linked: Bool) -> URL {
        kernelFolder(target).appendingPathComponent("\(Self.selfTestHooks[linked ? 0 : 1]).o")
    }

    /// Compiles one module in `output` to `<module>.o` and `<module>.swiftmodule`, finding the
    /// modules it imports in `importing` (the kernel's folder); returns the object's date.
    /// Objects are LLVM bitcode unless `bitcode` is false: ld.lld optimizes the whole image
    /// when it links (link-time optimization), which makes counter images 9-16% smaller.
    func compileSwift(module: String, sources: [URL], target: KernelTarget, into output: URL,
                      importing: URL? = nil, bitcode: Bool = true, after dependencies: Date) throws -> Date {
        let object = output.appendingPathComponent("\(module).o")
        let arguments = [
            "-target", target.triple,
            "-enable-experimental-feature", "Embedded",
            "-enable-experimental-feature", "Extern",
            "-swift-version", "6", "-wmo", "-parse-as-library", "-Osize",
        ] + (bitcode ? ["-lto=llvm-full"] : []) + [
            "-Xfrontend", "-disable-stack-protector",
            "-Xfrontend", "-function-sections",
            "-module-name", module,
            "-emit-module", "-emit-module-path", output.appendingPathComponent("\(module).swiftmodule").path,
            "-I", (importing ?? output).path,
        ] + target.codeGenerationFlags + ["-c", "-o", object.path]
        // The options an object was compiled with, so that changing them recompiles it.
        let recorded = output.appendingPathComponent("\(module).options")
        if isStale(object, inputs: sources) || modificationDate(object) < dependencies
            || optionsChanged(arguments, recordedIn: recorded) {
            progress("\(target.rawValue): compiling \(module) (\(sources.count) Swift files)")
            try Shell.run("swiftc", arguments + sources.map(\.path))
            try record(arguments, in: recorded)
            // swift-frontend leaves an identical object untouched; date it now so that the
            // next build sees it as up to date.
            try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: object.path)
        }
        return modificationDate(object)
    }

    private func assemblySources(_ target: KernelTarget) -> [URL] {
        let folders = ["Sources/CPUIntrinsics"] + target.archFolders.map { "Sources/Kernel/Arch/\($0)" }
            + ["Sources/Hotswap/\(target.rawValue)"]
        return folders.flatMap { files(in: packageRoot.appendingPathComponent($0), withExtension: "S", skipping: nil) }
    }

    private func objectName(for source: URL) -> String {
        let relative = source.path.dropFirst(packageRoot.path.count + 1)
        return relative.replacingOccurrences(of: "/", with: "_") + ".o"
    }

    func swiftSources(in folder: URL, skipping skipped: String? = nil) -> [URL] {
        files(in: folder, withExtension: "swift", skipping: skipped)
    }

    /// Files ending in `.suffix` below `base`, sorted, leaving out hidden folders (`.build`)
    /// and the folder `skipped` directly under `base`.
    private func files(in base: URL, withExtension suffix: String, skipping skipped: String?) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil,
                                                          options: [.skipsHiddenFiles]) else { return [] }
        var found: [URL] = []
        for case let url as URL in walker {
            if let skipped, url.lastPathComponent == skipped, url.deletingLastPathComponent().path == base.path {
                walker.skipDescendants()
                continue
            }
            if url.pathExtension == suffix { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Whether `options` differ from those `record(_:in:)` wrote to `file` when the output
    /// they made was last built.
    func optionsChanged(_ options: [String], recordedIn file: URL) -> Bool {
        (try? String(contentsOf: file, encoding: .utf8)) != options.joined(separator: "\n")
    }

    func record(_ options: [String], in file: URL) throws {
        try options.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    }

    func isStale(_ output: URL, inputs: [URL]) -> Bool {
        let built = modificationDate(output)
        return inputs.contains { modificationDate($0) >= built }
    }

    func modificationDate(_ url: URL) -> Date {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        return attributes?[.modificationDate] as? Date ?? .distantPast
    }
}

extension KernelBuild {
    /// The package root: the nearest folder above `start` with this project's Package.swift,
    /// or else above the running `liu` (which lives in the package's .build), so that a service
    /// folder anywhere on disk can be built.
    public static func locatePackageRoot(from start: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) throws -> URL {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for origin in [start, executable.deletingLastPathComponent()] {
            if let root = packageRoot(above: origin) { return root }
        }
        throw ToolFailure(description: "cannot find the swift-liveupdate package above \(start.path) "
            + "or above liu itself (\(executable.path))")
    }

    private static func packageRoot(above start: URL) -> URL? {
        var folder = start.standardizedFileURL
        while true {
            let manifest = folder.appendingPathComponent("Package.swift")
            if let text = try? String(contentsOf: manifest, encoding: .utf8), text.contains("swift-liveupdate") {
                return folder
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }
}

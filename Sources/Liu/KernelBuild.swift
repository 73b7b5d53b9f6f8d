import Foundation

/// Builds kernel images: the shared Swift modules and the kernel in Embedded mode, the
/// assembly with clang, and the link with ld.lld and the target's linker script.
public struct KernelBuild: Sendable {
    public let packageRoot: URL

    /// Modules compiled into every image, in dependency order; `Kernel` comes last.
    static let sharedModules = ["LiveUpdate", "KernelCore", "Net"]

    public init(packageRoot: URL) {
        self.packageRoot = packageRoot
    }

    public func outputFolder(_ target: KernelTarget) -> URL {
        packageRoot.appendingPathComponent(".build/kernel/\(target.rawValue)")
    }

    /// The bootable image, without symbols: what QEMU loads and what an update pushes.
    public func imagePath(_ target: KernelTarget) -> URL {
        outputFolder(target).appendingPathComponent("kernel.elf")
    }

    /// A copy of the image labelled `label` (see `ImageLabel`).
    public func imagePath(_ target: KernelTarget, label: String) -> URL {
        outputFolder(target).appendingPathComponent("kernel-\(label).elf")
    }

    /// Builds the image for `target`, then the copy of it that reports `label` as its version.
    public func build(_ target: KernelTarget, label: String) throws -> URL {
        let image = try build(target)
        let labelled = imagePath(target, label: label)
        try Data(try ImageLabel.relabel([UInt8](Data(contentsOf: image)), as: label)).write(to: labelled)
        return labelled
    }

    /// The same image with its symbol table, for debuggers and addresses in fault reports.
    public func debugImagePath(_ target: KernelTarget) -> URL {
        outputFolder(target).appendingPathComponent("kernel.debug.elf")
    }

    /// Builds the image for `target` and returns its path. Steps whose inputs did not change
    /// since the last build are skipped. The toolchain's Unicode tables are deliberately not
    /// linked: String comparison needs them and they cost 40 KB, so the kernel compares UTF-8
    /// bytes (`utf8.elementsEqual`) and a String `==` fails the link instead of growing the image.
    @discardableResult
    public func build(_ target: KernelTarget) throws -> URL {
        let output = outputFolder(target)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var objects: [URL] = []
        var newestInput = Date.distantPast
        for module in Self.sharedModules {
            let sources = swiftSources(in: "Sources/\(module)")
            guard !sources.isEmpty else { continue }
            newestInput = max(newestInput, try compileSwift(module: module, sources: sources, target: target, after: newestInput))
            objects.append(output.appendingPathComponent("\(module).o"))
        }
        let kernelSources = swiftSources(in: "Sources/Kernel", skipping: "Arch")
            + target.archFolders.flatMap { swiftSources(in: "Sources/Kernel/Arch/\($0)") }
        newestInput = max(newestInput, try compileSwift(module: "Kernel", sources: kernelSources, target: target, after: newestInput))
        objects.append(output.appendingPathComponent("Kernel.o"))
        // Assembly sources may #include shared .inc files: any change to one rebuilds them all.
        let includes = files(in: "Sources", withExtension: "inc", skipping: nil)
        for source in assemblySources(target) {
            let object = output.appendingPathComponent(objectName(for: source))
            if isStale(object, inputs: [source] + includes) {
                try Shell.run("clang", ["-target", target.triple, "-c", source.path, "-o", object.path])
            }
            objects.append(object)
        }
        let image = imagePath(target), debugImage = debugImagePath(target)
        let script = packageRoot.appendingPathComponent("linker/\(target.rawValue).ld")
        if isStale(image, inputs: objects + [script]) {
            try Shell.run("ld.lld", ["-m", target.linkerEmulation, "-T", script.path, "--gc-sections", "-z", "max-page-size=4096",
                                     "-nostdlib", "-static", "-o", debugImage.path] + objects.map(\.path))
            try Shell.run("llvm-objcopy", ["--strip-all", "--strip-sections", debugImage.path, image.path])
        }
        return image
    }

    /// Compiles one module to `<module>.o` and `<module>.swiftmodule`; returns the object's date.
    private func compileSwift(module: String, sources: [URL], target: KernelTarget, after dependencies: Date) throws -> Date {
        let output = outputFolder(target)
        let object = output.appendingPathComponent("\(module).o")
        if isStale(object, inputs: sources) || modificationDate(object) < dependencies {
            try Shell.run("swiftc", [
                "-target", target.triple,
                "-enable-experimental-feature", "Embedded",
                "-enable-experimental-feature", "Extern",
                "-swift-version", "6", "-wmo", "-parse-as-library", "-Osize",
                "-Xfrontend", "-disable-stack-protector",
                "-Xfrontend", "-function-sections",
                "-module-name", module,
                "-emit-module", "-emit-module-path", output.appendingPathComponent("\(module).swiftmodule").path,
                "-I", output.path,
            ] + target.codeGenerationFlags + [
                "-c", "-o", object.path,
            ] + sources.map(\.path))
            // swift-frontend leaves an identical object untouched; date it now so that the
            // next build sees it as up to date.
            try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: object.path)
        }
        return modificationDate(object)
    }

    private func assemblySources(_ target: KernelTarget) -> [URL] {
        let folders = ["Sources/CPUIntrinsics"] + target.archFolders.map { "Sources/Kernel/Arch/\($0)" }
            + ["Sources/Hotswap/\(target.rawValue)"]
        return folders.flatMap { files(in: $0, withExtension: "S", skipping: nil) }
    }

    private func objectName(for source: URL) -> String {
        let relative = source.path.dropFirst(packageRoot.path.count + 1)
        return relative.replacingOccurrences(of: "/", with: "_") + ".o"
    }

    private func swiftSources(in folder: String, skipping skipped: String? = nil) -> [URL] {
        files(in: folder, withExtension: "swift", skipping: skipped)
    }

    private func files(in folder: String, withExtension suffix: String, skipping skipped: String?) -> [URL] {
        let base = packageRoot.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
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

    private func isStale(_ output: URL, inputs: [URL]) -> Bool {
        let built = modificationDate(output)
        return inputs.contains { modificationDate($0) >= built }
    }

    private func modificationDate(_ url: URL) -> Date {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        return attributes?[.modificationDate] as? Date ?? .distantPast
    }
}

extension KernelBuild {
    /// The package root: the nearest folder above `start` with this project's Package.swift.
    public static func locatePackageRoot(from start: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) throws -> URL {
        var folder = start.standardizedFileURL
        while true {
            let manifest = folder.appendingPathComponent("Package.swift")
            if let text = try? String(contentsOf: manifest, encoding: .utf8), text.contains("swift-liveupdate") {
                return folder
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path {
                throw ToolFailure(description: "not inside the swift-liveupdate package (no Package.swift naming it above \(start.path))")
            }
            folder = parent
        }
    }
}

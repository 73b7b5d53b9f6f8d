import Foundation

/// Building a service folder into an image: its Swift sources become the module `ServiceApp`,
/// compiled against the kernel's modules, checked (no floating point on x86), and linked with
/// the kernel's objects and its trust note into `FOLDER/.build/TARGET/NAME.elf`, then signed
/// into `NAME.bundle` (`signing`). Nothing outside the folder but the kernel's own build cache
/// (and the development key, `developmentKey`) is written.
extension KernelBuild {
    /// The module name of every service's code (the kernel calls its `main`).
    static let serviceModule = "ServiceApp"

    /// Where the images of the service in `folder` go for `target`.
    public func serviceOutputFolder(_ folder: URL, _ target: KernelTarget) -> URL {
        folder.appendingPathComponent(".build/\(target.rawValue)")
    }

    /// The bootable image, without symbols: what QEMU loads and what an update pushes.
    public func imagePath(service folder: URL, _ target: KernelTarget) throws -> URL {
        serviceOutputFolder(folder, target).appendingPathComponent("\(try ServiceManifest(folder: folder).name).elf")
    }

    /// The same image with its symbol table, for debuggers and addresses in fault reports.
    public func debugImagePath(service folder: URL, _ target: KernelTarget) throws -> URL {
        serviceOutputFolder(folder, target).appendingPathComponent("\(try ServiceManifest(folder: folder).name).debug.elf")
    }

    /// Builds the service in `folder` for `target`, writes its signed bundle next to it
    /// (`bundlePath(forImage:)`) and returns its image. Steps whose inputs did
    /// not change since the last build are skipped; the kernel is compiled only when its own
    /// sources changed. The toolchain's Unicode tables are deliberately not linked: String
    /// comparison needs them and they cost 40 KB, so services compare UTF-8 bytes and a String
    /// `==` fails the link, with an explanation (`LinkDiagnosis`).
    ///
    /// With `selfTests` the image also carries the kernel's self-tests (`test=NAME`), which the
    /// boot tests use, and is `NAME-self-tests.elf`; the kernel is the same, only the link differs.
    @discardableResult
    public func build(service folder: URL, for target: KernelTarget, selfTests: Bool = false) throws -> URL {
        let manifest = try ServiceManifest(folder: folder)
        let keys = try signingKeys(signing)
        let kernel = try kernelObjects(target)
        let output = serviceOutputFolder(folder, target)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        return try FileLock.holding(output.appendingPathComponent(".lock")) {
            let sources = swiftSources(in: folder)
            guard !sources.isEmpty else { throw ToolFailure(description: "\(folder.path) has no Swift sources") }
            let glue = try writeManifestGlue(manifest, into: output)
            let kernelDate = kernel.map(modificationDate).max() ?? .distantPast
            let object = output.appendingPathComponent("\(Self.serviceModule).o")
            let objectDate = modificationDate(object)
            _ = try compileSwift(module: Self.serviceModule, sources: sources + [glue], target: target, into: output,
                                 importing: kernelFolder(target), after: kernelDate)
            if target.forbidsFloatingPoint, modificationDate(object) != objectDate {
                do {
                    try checkFloatingPoint(sources + [glue], service: manifest.name, target: target, output: output)
                } catch {
                    try? FileManager.default.removeItem(at: object)  // checked again at the next build
                    throw error
                }
            }
            let trustNote = try assemble(try writeTrustGlue(keys.trust, into: output), target: target)
            let image = try link(kernel + [selfTestHook(target, linked: selfTests), object, trustNote], service: manifest.name,
                                 image: selfTests ? "\(manifest.name)-self-tests" : manifest.name, target: target, into: output)
            _ = try writeBundle(image: image, target: target, keys: keys)
            return image
        }
    }

    /// Builds the service, then the copy of its image that reports `label` as its version
    /// (`NAME-LABEL.elf`; see `ImageLabel`) and its bundle (`NAME-LABEL.bundle`).
    public func build(service folder: URL, for target: KernelTarget, selfTests: Bool = false, label: String) throws -> URL {
        let image = try build(service: folder, for: target, selfTests: selfTests)
        let relabelled = try ImageLabel.relabel([UInt8](Data(contentsOf: image)), as: label)
        let path = image.deletingLastPathComponent()
            .appendingPathComponent("\(image.deletingPathExtension().lastPathComponent)-\(label).elf")
        try Data(relabelled).write(to: path)
        _ = try writeBundle(image: path, target: target, keys: try signingKeys(signing))
        return path
    }

    /// Builds one of the services in `Services/` (`builtInServices`).
    @discardableResult
    public func build(builtIn name: String, for target: KernelTarget, selfTests: Bool = false) throws -> URL {
        try build(service: builtInService(name), for: target, selfTests: selfTests)
    }

    public func build(builtIn name: String, for target: KernelTarget, label: String) throws -> URL {
        try build(service: builtInService(name), for: target, label: label)
    }

    /// The service's module compiled once more, to machine code, for `FloatingPointCheck`:
    /// the linked object is bitcode, and in the image its functions may be inlined into the
    /// kernel's, where the check could not name them.
    private func checkFloatingPoint(_ sources: [URL], service: String, target: KernelTarget, output: URL) throws {
        let folder = output.appendingPathComponent("machine-code")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = try compileSwift(module: Self.serviceModule, sources: sources, target: target, into: folder,
                             importing: kernelFolder(target), bitcode: false, after: .distantFuture)  // always: the service changed
        try FloatingPointCheck.verify(object: folder.appendingPathComponent("\(Self.serviceModule).o"), service: service)
    }

    private func assemble(_ source: URL, target: KernelTarget) throws -> URL {
        let object = source.deletingPathExtension().appendingPathExtension("o")
        if isStale(object, inputs: [source]) {
            try Shell.run("clang", ["-target", target.triple, "-c", source.path, "-o", object.path])
        }
        return object
    }

    /// What makes images smaller at link time (kv's x86_64 image 348,160 -> 323,584 bytes): one
    /// copy of functions whose code is identical (`--icf=all`; the kernel compares no function
    /// addresses), and the machine outliner on every function, which turns instruction sequences
    /// repeated across the image (Swift's retain/release and error paths) into calls. Swift's
    /// -Osize has it outline only on aarch64.
    static let sizeReduction = ["--icf=all", "-mllvm", "-enable-machine-outliner=always"]

    /// Links `objects` into `image`.elf (and `image`.debug.elf) in `output`.
    private func link(_ objects: [URL], service name: String, image imageName: String, target: KernelTarget,
                      into output: URL) throws -> URL {
        let image = output.appendingPathComponent("\(imageName).elf")
        let debugImage = output.appendingPathComponent("\(imageName).debug.elf")
        let script = packageRoot.appendingPathComponent("linker/\(target.rawValue).ld")
        let arguments = ["-m", target.linkerEmulation, "-T", script.path, "--gc-sections", "-z", "max-page-size=4096",
                         "-nostdlib", "-static"] + Self.sizeReduction + ["-o", debugImage.path] + objects.map(\.path)
        // The options it was linked with, so that changing them links it again.
        let recorded = output.appendingPathComponent("\(imageName).link-options")
        guard isStale(image, inputs: objects + [script]) || optionsChanged(arguments, recordedIn: recorded) else { return image }
        progress("\(target.rawValue): linking \(imageName).elf")
        do {
            try Shell.run("ld.lld", arguments)
        } catch let failure as ToolFailure {
            throw ToolFailure(description: LinkDiagnosis.explain(failure.description, service: name, target: target))
        }
        try record(arguments, in: recorded)
        try Shell.run("llvm-objcopy", ["--strip-all", "--strip-sections", debugImage.path, image.path])
        return image
    }

    /// The two texts the kernel reads from the manifest, as a Swift file of the service's
    /// module; rewritten only when the manifest changed, so that it does not force a compile.
    private func writeManifestGlue(_ manifest: ServiceManifest, into output: URL) throws -> URL {
        let glue = output.appendingPathComponent("ServiceManifest.swift")
        let text = """
            // Generated by liu build from \(ServiceManifest.fileName); rewritten at every build.
            @_cdecl("liu_service_name")
            func liuServiceName(_ length: UnsafeMutablePointer<Int>) -> UnsafePointer<UInt8> {
                let text: StaticString = "\(manifest.name)"
                length.pointee = text.utf8CodeUnitCount
                return text.utf8Start
            }
            @_cdecl("liu_service_command_line")
            func liuServiceCommandLine(_ length: UnsafeMutablePointer<Int>) -> UnsafePointer<UInt8> {
                let text: StaticString = "\(manifest.defaultCommandLine)"
                length.pointee = text.utf8CodeUnitCount
                return text.utf8Start
            }

            """
        if (try? String(contentsOf: glue, encoding: .utf8)) != text {
            try text.write(to: glue, atomically: true, encoding: .utf8)
        }
        return glue
    }
}

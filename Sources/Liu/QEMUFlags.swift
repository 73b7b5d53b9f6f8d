import Foundation

/// The QEMU flags for one target on one machine, read from `qemu/TARGET-MACHINE.args` (the one
/// place they are written; `qemu/boot.sh` reads the same files). The format, in short: one QEMU
/// argument per line, in order; blank lines and lines starting with `#` are skipped; leading and
/// trailing blanks are trimmed; `tcg: ARG` and `kvm: ARG` are arguments under that accelerator
/// only; `binary: NAME` and `nic: DEVICE` name the QEMU program and the network card;
/// `include: FILE` reads another file of the folder at that point; the whole-argument
/// placeholders `{memory}` and `{kernel}` become the memory size (`256M`) and the image path.
public struct QEMUMachineFlags: Equatable, Sendable {
    public enum Value: Equatable, Sendable {
        case literal(String)
        /// `{memory}`: the size as `-m` takes it, e.g. `256M`.
        case memory
        /// `{kernel}`: the kernel image's path.
        case kernel
    }

    public struct Argument: Equatable, Sendable {
        public var value: Value
        /// nil: under every accelerator.
        public var accelerator: Accelerator?
    }

    /// The QEMU program, e.g. `qemu-system-x86_64`.
    public var binary: String
    /// The network card's device name, e.g. `virtio-net-pci`.
    public var nic: String
    public var arguments: [Argument]

    /// The arguments under `accelerator` with the placeholders filled in.
    public func arguments(accelerator: Accelerator, memoryMiB: Int, kernel: String) -> [String] {
        arguments.filter { $0.accelerator == nil || $0.accelerator == accelerator }.map {
            switch $0.value {
            case .literal(let text): text
            case .memory: "\(memoryMiB)M"
            case .kernel: kernel
            }
        }
    }

    /// Parses `text`, the contents of `file` (named in errors); `include` returns the path and
    /// contents of a file an `include:` line names, or throws.
    public static func parse(_ text: String, file: String,
                             include: (String) throws(QEMUFlagsError) -> (file: String, text: String) = { name throws(QEMUFlagsError) in
                                 throw QEMUFlagsError(file: name, line: nil, "no includes here")
                             }) throws(QEMUFlagsError) -> QEMUMachineFlags {
        var reader = Reader()
        try reader.read(text, file: file, include: include)
        guard let binary = reader.binary else { throw QEMUFlagsError(file: file, line: nil, "no 'binary:' line (the QEMU program, e.g. binary: qemu-system-x86_64)") }
        guard let nic = reader.nic else { throw QEMUFlagsError(file: file, line: nil, "no 'nic:' line (the network card, e.g. nic: virtio-net-pci)") }
        return QEMUMachineFlags(binary: binary.value, nic: nic.value, arguments: reader.arguments)
    }

    private struct Reader {
        var binary: (value: String, file: String, line: Int)?
        var nic: (value: String, file: String, line: Int)?
        var arguments: [Argument] = []
        var open: [String] = []

        mutating func read(_ text: String, file: String,
                           include: (String) throws(QEMUFlagsError) -> (file: String, text: String)) throws(QEMUFlagsError) {
            open.append(file)
            defer { open.removeLast() }
            // Split on the scalar: "\r\n" is one Character, and a CRLF file reads as the shell reads it.
            for (index, raw) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = index + 1
                let trimmed = String(String.UnicodeScalarView(raw)).trimmingCharacters(in: .whitespacesAndNewlines)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                func fail(_ message: String) -> QEMUFlagsError { QEMUFlagsError(file: file, line: line, message) }
                guard let (key, value) = Self.keyed(trimmed) else {
                    arguments.append(Argument(value: try Self.value(trimmed, fail), accelerator: nil))
                    continue
                }
                guard !value.isEmpty else { throw fail("'\(key):' without a value") }
                switch key {
                case "tcg", "kvm":
                    arguments.append(Argument(value: try Self.value(value, fail), accelerator: Accelerator(rawValue: key)))
                case "binary", "nic":
                    guard !value.contains(where: \.isWhitespace) else { throw fail("'\(key):' takes one word, not '\(value)'") }
                    if let earlier = key == "binary" ? binary : nic {
                        throw fail("a second '\(key):' line (the first is \(earlier.file):\(earlier.line))")
                    }
                    if key == "binary" { binary = (value, file, line) } else { nic = (value, file, line) }
                case "include":
                    guard !value.contains("/"), value != ".", value != ".." else {
                        throw fail("'include:' names a file of the same folder, not '\(value)'")
                    }
                    let included: (file: String, text: String)
                    do { included = try include(value) } catch {
                        throw fail("cannot include \(value): \(error)")
                    }
                    guard !open.contains(included.file) else { throw fail("\(value) includes itself") }
                    try read(included.text, file: included.file, include: include)
                default:
                    throw fail("unknown key '\(key):' (the keys are binary:, nic:, include:, tcg: and kvm:)")
                }
            }
        }

        /// `KEY: VALUE` (letters, a colon, then a blank or the end of the line), else nil.
        static func keyed(_ line: String) -> (key: String, value: String)? {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let key = line[..<colon]
            guard !key.isEmpty, key.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
            let rest = line[line.index(after: colon)...]
            guard rest.isEmpty || rest.first!.isWhitespace else { return nil }
            return (String(key), rest.trimmingCharacters(in: .whitespaces))
        }

        static func value(_ text: String, _ fail: (String) -> QEMUFlagsError) throws(QEMUFlagsError) -> Value {
            guard text.hasPrefix("{") && text.hasSuffix("}") else { return .literal(text) }
            switch text {
            case "{memory}": return .memory
            case "{kernel}": return .kernel
            default: throw fail("unknown placeholder \(text) (there are {memory} and {kernel})")
            }
        }
    }
}

/// A missing or malformed flags file, with the file and line.
public struct QEMUFlagsError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}

/// The `qemu/` folder of the package: the flags per target and machine, and `boot.sh`.
public enum QEMUFolder {
    /// The file with the flags for `target` on `machine`, e.g. `x86_64-pc.args`.
    public static func fileName(_ target: KernelTarget, _ machine: Machine) -> String {
        "\(target.rawValue)-\(machine.rawValue).args"
    }

    /// Reads and checks the flags for `target` on `machine` from `folder`.
    public static func load(_ target: KernelTarget, _ machine: Machine, from folder: URL) throws(QEMUFlagsError) -> QEMUMachineFlags {
        let file = folder.appendingPathComponent(fileName(target, machine))
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw QEMUFlagsError(file: file.path, line: nil,
                                 "missing: there are no QEMU flags for \(target.rawValue) on \(machine.rawValue)")
        }
        return try QEMUMachineFlags.parse(try contents(file), file: file.path) { name throws(QEMUFlagsError) in
            let included = folder.appendingPathComponent(name)
            return (included.path, try contents(included))
        }
    }

    private static func contents(_ file: URL) throws(QEMUFlagsError) -> String {
        do { return try String(contentsOf: file, encoding: .utf8) } catch {
            throw QEMUFlagsError(file: file.path, line: nil, "cannot be read (\(error.localizedDescription))")
        }
    }

    /// The package's `qemu/` folder: under the package root above the current directory (the
    /// root `liu` builds kernels from), else the one above the running program (`liu` or the
    /// test bundle in the package's .build), else the one this file was compiled from.
    public static func locate() throws(QEMUFlagsError) -> URL {
        try locate(from: [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), runningProgram().deletingLastPathComponent(),
                          URL(fileURLWithPath: #filePath).deletingLastPathComponent()])
    }

    /// The `qemu/` folder of the first package root above one of `origins` that has one.
    static func locate(from origins: [URL]) throws(QEMUFlagsError) -> URL {
        var tried: [String] = []
        for origin in origins {
            guard let root = try? KernelBuild.locatePackageRoot(from: origin) else { continue }
            let folder = root.appendingPathComponent("qemu")
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue { return folder }
            if !tried.contains(folder.path) { tried.append(folder.path) }
        }
        throw QEMUFlagsError(file: "qemu/", line: nil, tried.isEmpty
            ? "cannot find the swift-liveupdate package (above the current directory, liu or \(#filePath)), whose qemu/ folder holds QEMU's flags"
            : "missing: no qemu/ folder with QEMU's flags at " + tried.joined(separator: " or "))
    }

    /// The running executable with symbolic links resolved (/proc/self/exe on Linux, where
    /// argv[0] may be a bare name found on PATH).
    static func runningProgram() -> URL {
        let proc = URL(fileURLWithPath: "/proc/self/exe")
        if FileManager.default.fileExists(atPath: proc.path) { return proc.resolvingSymlinksInPath() }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    }
}

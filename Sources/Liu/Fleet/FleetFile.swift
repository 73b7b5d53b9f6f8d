import Foundation

/// A fleet file (docs/fleet.md): the guests `liu fleet` runs as libvirt domains. INI-like:
/// a `[fleet]` section with the fleet's name and defaults, then one `[guest NAME]` section per
/// guest with `key = value` lines; `#` starts a comment line.
public struct FleetFile: Equatable, Sendable {
    /// Domain names are `liu-fleet-NAME-GUEST`.
    public var name: String
    public var guests: [FleetGuest]
    /// Where the serial consoles are written, one `GUEST.log` each.
    public var consoleFolder: URL

    /// What every domain of this fleet is named from: how stale ones are found.
    public var domainPrefix: String { "liu-fleet-\(name)-" }

    public func domainName(_ guest: FleetGuest) -> String { domainPrefix + guest.name }

    public func consoleFile(_ guest: FleetGuest) -> URL { consoleFolder.appendingPathComponent("\(guest.name).log") }

    /// Reads and parses the file at `path`; relative paths in it are relative to its folder.
    public static func load(_ path: String) throws -> FleetFile {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw FleetFileError(file: path, line: nil, "cannot be read") }
        return try parse(String(decoding: data, as: UTF8.self), file: path, folder: url.deletingLastPathComponent())
    }
}

/// One guest of a fleet.
public struct FleetGuest: Equatable, Sendable {
    public var name: String
    public var target: KernelTarget
    public var machine: Machine
    public var memoryMiB: Int
    /// nil: KVM where it can run the target, else TCG (`AcceleratorChoice`).
    public var accelerator: Accelerator?
    /// The kernel image booted directly (`liu build`'s NAME.elf).
    public var image: URL
    /// A signed bundle registered as the known-good image (port 667) once the guest serves.
    public var knownGood: URL?
    public var commandLine: String
    /// Forwarded from the host by QEMU user networking; guest port 666 (updates) is required.
    public var forwards: [PortMapping]
    public var uri: String

    /// The host port forwarded to `guestPort` over TCP, if any.
    public func hostPort(_ guestPort: UInt16) -> UInt16? {
        forwards.first { $0.guestPort == guestPort && $0.transport == .tcp }?.hostPort
    }

    /// The host port of the update listener (guest port 666; the parser insists on one).
    public var updatePort: UInt16 { hostPort(RunNetwork.updatePort)! }
}

/// A fleet file that cannot be used: the file, the line and what is wrong.
public struct FleetFileError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}

extension FleetFile {
    static let defaultURI = "qemu:///system"

    /// Parses `text` (named `file` in errors); relative paths are taken from `folder`.
    public static func parse(_ text: String, file: String, folder: URL) throws(FleetFileError) -> FleetFile {
        var parser = FleetFileParser(file: file, folder: folder)
        for (index, raw) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            try parser.read(String(String.UnicodeScalarView(raw)).trimmingCharacters(in: .whitespacesAndNewlines), line: index + 1)
        }
        return try parser.finish()
    }
}

/// The parser's state: the `[fleet]` settings and the guests read so far, each with its keys.
private struct FleetFileParser {
    let file: String
    let folder: URL
    var fleet: [String: (value: String, line: Int)] = [:]
    var sawFleet = false
    var guests: [(name: String, line: Int, keys: [(key: String, value: String, line: Int)])] = []
    /// Which section the lines belong to: nil before any, "" for `[fleet]`, else the guest index.
    var section: Int??

    static let fleetKeys = ["name", "uri", "consoles"]
    static let guestKeys = ["target", "machine", "accelerator", "memory", "image", "known-good", "append", "forward", "uri"]

    init(file: String, folder: URL) {
        self.file = file
        self.folder = folder
    }

    func fail(_ line: Int?, _ message: String) -> FleetFileError { FleetFileError(file: file, line: line, message) }

    mutating func read(_ text: String, line: Int) throws(FleetFileError) {
        if text.isEmpty || text.hasPrefix("#") { return }
        if text.hasPrefix("[") {
            guard text.hasSuffix("]") else { throw fail(line, "a section header ends with ']': '\(text)'") }
            let words = text.dropFirst().dropLast().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            switch (words.first, words.count) {
            case ("fleet"?, 1):
                guard !sawFleet else { throw fail(line, "a second [fleet] section") }
                sawFleet = true
                section = .some(nil)
            case ("guest"?, 2):
                let name = words[1]
                guard Self.isName(name) else { throw fail(line, "a guest name is letters, digits and '-' (at most 40), not '\(name)'") }
                if let earlier = guests.first(where: { $0.name == name }) { throw fail(line, "a second guest '\(name)' (the first is on line \(earlier.line))") }
                guests.append((name, line, []))
                section = .some(guests.count - 1)
            default:
                throw fail(line, "unknown section '\(text)' (the sections are [fleet] and [guest NAME])")
            }
            return
        }
        guard let equals = text.firstIndex(of: "=") else { throw fail(line, "expected 'key = value', a [section] or a # comment: '\(text)'") }
        let key = text[..<equals].trimmingCharacters(in: .whitespaces)
        let value = text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard let current = section else { throw fail(line, "'\(key)' before any section ([fleet] or [guest NAME])") }
        guard !value.isEmpty else { throw fail(line, "'\(key)' without a value") }
        guard let guest = current else {
            guard Self.fleetKeys.contains(key) else { throw fail(line, "unknown key '\(key)' in [fleet] (the keys are \(Self.fleetKeys.joined(separator: ", ")))") }
            if let earlier = fleet[key] { throw fail(line, "'\(key)' is given twice (first on line \(earlier.line))") }
            fleet[key] = (value, line)
            return
        }
        guard Self.guestKeys.contains(key) else { throw fail(line, "unknown key '\(key)' in [guest \(guests[guest].name)] (the keys are \(Self.guestKeys.joined(separator: ", ")))") }
        if key != "forward", let earlier = guests[guest].keys.first(where: { $0.key == key }) {
            throw fail(line, "'\(key)' is given twice (first on line \(earlier.line))")
        }
        guests[guest].keys.append((key, value, line))
    }

    static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 40 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    func finish() throws(FleetFileError) -> FleetFile {
        guard let name = fleet["name"] else { throw fail(nil, "no [fleet] section with 'name = NAME' (domains are named liu-fleet-NAME-GUEST)") }
        guard Self.isName(name.value) else { throw fail(name.line, "the fleet's name is letters, digits and '-' (at most 40), not '\(name.value)'") }
        guard !guests.isEmpty else { throw fail(nil, "no [guest NAME] section") }
        let uri = fleet["uri"]?.value ?? FleetFile.defaultURI
        let consoles = fleet["consoles"].map { path(ofValue: $0.value) } ?? folder.appendingPathComponent("\(name.value).consoles")
        var parsed: [FleetGuest] = []
        var hostPorts: [UInt16: (guest: String, line: Int)] = [:]
        for guest in guests {
            let built = try self.guest(guest.name, header: guest.line, keys: guest.keys, uri: uri)
            for forward in built.forwards {
                let line = guest.keys.first { $0.key == "forward" && (try? PortMapping.parse($0.value)) == forward }?.line
                if let earlier = hostPorts[forward.hostPort] {
                    throw fail(line, "host port \(forward.hostPort) is forwarded twice (also by guest \(earlier.guest), line \(earlier.line))")
                }
                hostPorts[forward.hostPort] = (guest.name, line ?? guest.line)
            }
            parsed.append(built)
        }
        return FleetFile(name: name.value, guests: parsed, consoleFolder: consoles)
    }

    private func guest(_ name: String, header: Int, keys: [(key: String, value: String, line: Int)], uri: String) throws(FleetFileError) -> FleetGuest {
        func value(_ key: String) -> (value: String, line: Int)? { keys.first { $0.key == key }.map { ($0.value, $0.line) } }
        guard let targetName = value("target") else { throw fail(header, "guest \(name) has no 'target' (\(KernelTarget.allCases.map(\.rawValue).joined(separator: ", ")))") }
        guard let target = KernelTarget(rawValue: targetName.value) else {
            throw fail(targetName.line, "unknown target '\(targetName.value)'; use one of: " + KernelTarget.allCases.map(\.rawValue).joined(separator: ", "))
        }
        var machine = target.machines[0]
        if let machineName = value("machine") {
            guard let named = Machine(rawValue: machineName.value), target.machines.contains(named) else {
                throw fail(machineName.line, "machine '\(machineName.value)' is not available for \(target.rawValue); use one of: "
                    + target.machines.map(\.rawValue).joined(separator: ", "))
            }
            machine = named
        }
        var accelerator: Accelerator?
        if let text = value("accelerator") {
            guard let named = Accelerator(rawValue: text.value) else { throw fail(text.line, "accelerator is tcg or kvm, not '\(text.value)'") }
            accelerator = named
        }
        var memory = 256
        if let text = value("memory") {
            guard let mib = Int(text.value), (16...65536).contains(mib) else { throw fail(text.line, "memory takes MiB from 16 to 65536, not '\(text.value)'") }
            memory = mib
        }
        guard let image = value("image") else { throw fail(header, "guest \(name) has no 'image' (the kernel image to boot, e.g. Services/counter/.build/x86_64/counter.elf)") }
        var forwards: [PortMapping] = []
        for entry in keys where entry.key == "forward" {
            do { forwards.append(try PortMapping.parse(entry.value)) } catch {
                throw fail(entry.line, "forward = \(entry.value): write [HOST_IP:]HOST_PORT:GUEST_PORT[/udp], ports 1 to 65535")
            }
        }
        guard forwards.contains(where: { $0.guestPort == RunNetwork.updatePort && $0.transport == .tcp }) else {
            throw fail(header, "guest \(name) does not forward its update port: add e.g. 'forward = 7666:666'")
        }
        let knownGood = value("known-good")
        if knownGood != nil, !forwards.contains(where: { $0.guestPort == RunNetwork.rollbackPort && $0.transport == .tcp }) {
            throw fail(knownGood!.line, "a known-good image is registered on guest port 667: add e.g. 'forward = 7667:667'")
        }
        return FleetGuest(name: name, target: target, machine: machine, memoryMiB: memory, accelerator: accelerator, image: path(ofValue: image.value),
                          knownGood: knownGood.map { path(ofValue: $0.value) }, commandLine: value("append")?.value ?? "",
                          forwards: forwards, uri: value("uri")?.value ?? uri)
    }

    private func path(ofValue value: String) -> URL {
        value.hasPrefix("/") ? URL(fileURLWithPath: value) : folder.appendingPathComponent(value).standardizedFileURL
    }
}

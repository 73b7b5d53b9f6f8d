import Foundation

/// A service folder's `service.json` (docs/writing-a-service.md, "The manifest"). Only `name`
/// is required.
public struct ServiceManifest: Equatable, Sendable {
    public static let fileName = "service.json"

    /// Lowercase letters, digits and dashes; names the image (`NAME.elf`) and the console lines.
    public var name: String
    /// The guest's RAM for `liu run` and the tests (QEMU `-m`).
    public var memoryMiB = 256
    /// The live-update storage area (`liu.storage=`); nil: 1/16 of the usable RAM.
    public var storageKiB: Int?
    /// Ports the service listens on: `liu run` forwards them.
    public var tcpPorts: [UInt16] = []
    public var udpPorts: [UInt16] = []
    /// How long an update stays on trial before it must confirm (`liu.confirm-ms=`).
    public var confirmMilliseconds = 5000
    /// Kernel command-line arguments the image starts with; arguments given at boot override
    /// them key by key.
    public var commandLine = ""

    public init(name: String) { self.name = name }

    /// The manifest in `folder`, checked.
    public init(folder: URL) throws {
        let file = folder.appendingPathComponent(Self.fileName)
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ToolFailure(description: "\(folder.path) is not a service folder: it has no \(Self.fileName) "
                + "(liu new NAME writes one)")
        }
        try self.init(json: data, source: file.path)
    }

    public init(json: Data, source: String) throws {
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: json)
        } catch let error as DecodingError {
            throw ToolFailure(description: "\(source): \(Self.explain(error))")
        }
        if let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
           let unknown = object.keys.sorted().first(where: { !Fields.names.contains($0) }) {
            throw ToolFailure(description: "\(source): unknown field \"\(unknown)\"; the fields are "
                + Fields.names.joined(separator: ", "))
        }
        self.init(name: fields.name)
        memoryMiB = fields.memoryMiB ?? memoryMiB
        storageKiB = fields.storageKiB
        for port in (fields.tcpPorts ?? []) + (fields.udpPorts ?? []) where !(1...65535).contains(port) {
            throw ToolFailure(description: "\(source): port \(port) is outside 1 to 65535")
        }
        tcpPorts = (fields.tcpPorts ?? []).map { UInt16($0) }
        udpPorts = (fields.udpPorts ?? []).map { UInt16($0) }
        confirmMilliseconds = fields.confirmMilliseconds ?? confirmMilliseconds
        commandLine = fields.commandLine ?? ""
        if let problem = problem { throw ToolFailure(description: "\(source): \(problem)") }
    }

    /// What is wrong with the values, for a person; nil when they are fine.
    var problem: String? {
        if name.isEmpty || name.count > 32 || !name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
            return "name '\(name)' must be 1 to 32 lowercase letters, digits or dashes"
        }
        if !(16...65536).contains(memoryMiB) { return "memoryMiB \(memoryMiB) is outside 16 to 65536" }
        if let storageKiB, !(4...1_048_576).contains(storageKiB) {
            return "storageKiB \(storageKiB) is outside 4 KiB to 1 GiB"
        }
        if let reserved = tcpPorts.first(where: { $0 == 666 || $0 == 667 }) {
            return "TCP port \(reserved) is the kernel's (666 takes updates, 667 the known-good image)"
        }
        if !(100...600_000).contains(confirmMilliseconds) {
            return "confirmMilliseconds \(confirmMilliseconds) is outside 100 to 600000"
        }
        if let bad = commandLine.first(where: { !$0.isASCII || $0 == "\"" || $0 == "\\" || $0.isNewline }) {
            return "commandLine has '\(bad)': use printable ASCII without quotes or backslashes"
        }
        return nil
    }

    /// What the image starts with before the command line given at boot.
    public var defaultCommandLine: String {
        var arguments = ["liu.confirm-ms=\(confirmMilliseconds)"]
        if let storageKiB { arguments.append("liu.storage=\(storageKiB * 1024)") }
        if !commandLine.isEmpty { arguments.append(commandLine) }
        return arguments.joined(separator: " ")
    }

    /// The JSON as written, every field optional but the name.
    private struct Fields: Decodable {
        var name: String
        var memoryMiB: Int?
        var storageKiB: Int?
        var tcpPorts: [Int]?
        var udpPorts: [Int]?
        var confirmMilliseconds: Int?
        var commandLine: String?

        static let names = ["name", "memoryMiB", "storageKiB", "tcpPorts", "udpPorts", "confirmMilliseconds", "commandLine"]
    }

    private static func explain(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "the field \"\(key.stringValue)\" is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type: \(context.debugDescription)"
        case .dataCorrupted(let context): "not valid JSON: \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)"
        @unknown default: "\(error)"
        }
    }
}

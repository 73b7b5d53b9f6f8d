import Foundation

/// `liu new NAME`: a working service folder to start from: a line-based TCP service on port
/// 7000 that answers each line with the number of requests so far and keeps that count, and
/// every open connection with its half-received line, across live updates.
public enum ServiceTemplate {
    public static let port: UInt16 = 7000

    /// Writes the folder `NAME` in `parent` (default: the current folder); refuses to overwrite.
    @discardableResult
    public static func write(name: String, into parent: URL?) throws -> URL {
        let manifest = ServiceManifest(name: name)
        if let problem = manifest.problem { throw ToolFailure(description: problem) }
        let base = parent ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let folder = base.appendingPathComponent(name).standardizedFileURL
        guard !FileManager.default.fileExists(atPath: folder.path) else {
            throw ToolFailure(description: "\(folder.path) exists already; pick another name or --path")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let type = typeName(name)
        let files = [
            (ServiceManifest.fileName, manifestText(name)),
            ("\(type).swift", serviceText(name: name, type: type)),
            ("LineSession.swift", sessionText(type: type)),
            ("README.md", readmeText(name: name, folder: folder)),
        ]
        for (file, text) in files {
            try text.write(to: folder.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// "my-store" -> "MyStore"; a leading digit gets "Service" in front.
    public static func typeName(_ name: String) -> String {
        let words = name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }
        let joined = words.joined()
        return joined.first?.isNumber == true ? "Service" + joined : joined
    }

    /// A marker id of the service's own, from its name (never the network stack's 0x4E54).
    static func stateID(_ name: String) -> UInt16 {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let id = UInt16(truncatingIfNeeded: hash ^ (hash >> 16))
        return id == 0x4E54 || id == 0 ? 0x5E5E : id
    }

    private static func manifestText(_ name: String) -> String {
        """
        {
          "name": "\(name)",
          "memoryMiB": 128,
          "tcpPorts": [\(port)],
          "confirmMilliseconds": 5000
        }

        """
    }

    private static func serviceText(name: String, type: String) -> String {
        let id = String(stateID(name), radix: 16, uppercase: true)
        return """
            import Kernel

            /// \(name): answers every line received on TCP port \(port) with the number of requests
            /// so far. The count survives live updates; so does every open connection, with a line
            /// that was half received (it waits in the connection, which the kernel keeps).
            @main
            final class \(type): Service {
                /// Closes this service's entries in the storage area: an image of another service
                /// refuses them instead of misreading them.
                static let stateID: UInt16 = 0x\(id)
                static let port: UInt16 = \(port)

                /// Ids of the saved fields. A new version adds ids and never reuses old ones.
                enum Field: UInt16 {
                    case requests = 1
                }

                var requests: Int64 = 0
                private(set) var system: System?

                init() {}

                /// After an update: the fields the previous image saved. An id this version does not
                /// know (a newer version wrote it) is skipped.
                func restore(from state: inout Restore) throws(StorageError) {
                    try state.forEachEntry { (entry: borrowing Restore) throws(StorageError) in
                        switch Field(rawValue: entry.id) {
                        case .requests?: requests = try entry.asInt64()
                        case nil: break
                        }
                    }
                }

                /// Before an update: everything the next image needs.
                func save(into state: inout Storage) throws(StorageError) {
                    try state.add(id: Field.requests.rawValue, requests)
                }

                /// Opens the port; after an update the accept handler first gets every connection
                /// the previous image had.
                func start(_ system: System) throws(ServiceFailure) {
                    self.system = system
                    try system.listen(tcp: Self.port) { connection in LineSession.start(connection, service: self) }
                }

                /// Runs once serving has begun (console output is slow: it would count as downtime).
                func started(_ system: System) {
                    Console.write("\(name): version ")
                    Console.write(system.version)
                    Console.write(" on TCP port \(port), requests=")
                    Console.writeDecimal(requests)
                    Console.newline()
                }

                /// The answer to one line (without its end of line).
                func answer(_ line: ArraySlice<UInt8>) -> String {
                    requests += 1
                    return "\(name): request \\(requests), version \\(system?.version ?? "?"), \\(line.count) bytes\\n"
                }
            }

            """
    }

    private static func sessionText(type: String) -> String {
        """
        import Kernel

        /// One client: every complete line gets an answer. Lines are read in place (`peek`) and
        /// consumed only once complete, so a partial line stays in the connection, where a live
        /// update keeps it; no per-connection state of our own needs saving.
        enum LineSession {
            static func start(_ connection: TCPConnection, service: \(type)) {
                connection.onReadable = { answerLines(connection, service) }
                connection.onClosed = { _ in connection.onReadable = nil }
                // Input may already wait (it arrived during an update); onReadable also fires at
                // the end of the stream, with nothing to read.
                answerLines(connection, service)
            }

            private static func answerLines(_ connection: TCPConnection, _ service: \(type)) {
                let received = connection.peekAll()
                var consumed = 0
                while let end = received[consumed...].firstIndex(of: UInt8(ascii: "\\n")) {
                    var line = received[consumed..<end]
                    if line.last == UInt8(ascii: "\\r") { line = line.dropLast() }
                    connection.write(Array(service.answer(line).utf8))
                    consumed = end + 1
                }
                connection.consume(consumed)
                if connection.availableBytes == connection.receiveCapacity {
                    connection.write(Array("line too long\\n".utf8))
                    connection.close()
                } else if connection.isAtEndOfStream {
                    connection.close()
                }
            }
        }

        """
    }

    private static func readmeText(name: String, folder: URL) -> String {
        """
        # \(name)

        A service for the swift-liveupdate kernel, made by `liu new`. It answers every line sent
        to TCP port \(port) with the number of requests so far, and keeps that count, and every
        open connection, across live updates.

        - `service.json`: the manifest (name, memory, storage, ports, confirmation deadline,
          default kernel command line).
        - `\(typeName(name)).swift`: the service: its state, how it is saved and restored, its port.
        - `LineSession.swift`: one client connection.

        Build, run, update:

        ```
        liu build --service \(folder.path) --target x86_64
        liu run --target x86_64 --service \(folder.path)
        ```

        The guide, docs/writing-a-service.md in the swift-liveupdate repository, explains the
        service API, state versioning and what Embedded Swift does not offer here.

        """
    }
}

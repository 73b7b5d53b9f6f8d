import Foundation

/// `liu fleet up|status|down|rollout`: the guests of a fleet file as libvirt domains.
public struct Fleet: Sendable {
    public let file: FleetFile
    /// Where progress lines go (stdout for liu; tests collect them).
    public let say: @Sendable (String) -> Void

    public init(_ file: FleetFile, say: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.file = file
        self.say = say
    }

    /// The host address liu reaches a guest's forwarded port on.
    static func address(_ guest: FleetGuest, _ guestPort: UInt16) -> String {
        let host = guest.forwards.first { $0.guestPort == guestPort && $0.transport == .tcp }?.hostAddress ?? "127.0.0.1"
        return host == "0.0.0.0" ? "127.0.0.1" : host
    }

    // MARK: up

    /// The domain XML of every guest, under the accelerator each one runs with.
    public func domains(facts: KVMFacts = .here) throws -> [DomainXML] {
        let folder = try QEMUFolder.locate()
        return try file.guests.map { guest in
            guard FileManager.default.fileExists(atPath: guest.image.path) else {
                throw ToolFailure(description: "guest \(guest.name): no image at \(guest.image.path) (liu build writes it)")
            }
            let accelerator = try guest.accelerator.map { requested in try AcceleratorChoice.choose(requested, for: guest.target, facts: facts).accelerator }
                ?? AcceleratorChoice.choose(nil, for: guest.target, facts: facts).accelerator
            let flags = try QEMUFolder.load(guest.target, guest.machine, from: folder)
            guard let emulator = try? Shell.locate(flags.binary) else {
                throw ToolFailure(description: "\(flags.binary) not found on PATH: install the Debian package \(guest.target.qemuPackage)")
            }
            return DomainXML(name: file.domainName(guest), guest: guest, accelerator: accelerator, flags: flags,
                             emulator: emulator, console: file.consoleFile(guest))
        }
    }

    /// Defines and starts every guest as a transient domain, waits until each one's update
    /// listener answers and registers the known-good images. With `attached`, the domains are
    /// created on the connection of a `virsh` that lives as long as liu and are destroyed by
    /// libvirt when it ends (`LibvirtEvents`); it is returned, one per URI.
    @discardableResult
    public func up(attached: Bool = false) throws -> [LibvirtEvents] {
        let domains = try domains()
        let taken = try Set(uris.flatMap { try Virsh.domains($0, prefix: file.domainPrefix) })
        if let clash = domains.first(where: { taken.contains($0.name) }) {
            throw ToolFailure(description: "the domain \(clash.name) exists already: liu fleet down the fleet first")
        }
        try FileManager.default.createDirectory(at: file.consoleFolder, withIntermediateDirectories: true)
        var definitions: [URL] = []
        for domain in domains {
            let definition = file.consoleFolder.appendingPathComponent("\(domain.guest.name).xml")
            try Data(domain.text.utf8).write(to: definition)
            try? FileManager.default.removeItem(at: domain.console)
            definitions.append(definition)
            say("\(domain.guest.name): \(domain.name), \(domain.guest.target.rawValue) on \(domain.guest.machine.rawValue) under "
                + "\(domain.accelerator.rawValue.uppercased()), console \(domain.console.path)")
        }
        var sessions: [LibvirtEvents] = []
        if attached {
            for uri in uris {
                let mine = zip(domains, definitions).filter { $0.0.guest.uri == uri }
                let session = try LibvirtEvents(uri: uri, commands: mine.map { ["create", $0.1.path, "--autodestroy"] })
                sessions.append(session)
                let created = session.waitForOutput(timeout: 60) { lines in
                    lines.filter { $0.hasPrefix("Domain ") && $0.contains(" created from ") }.count == mine.count || lines.contains { $0.hasPrefix("error:") }
                }
                if !created || session.output.contains(where: { $0.hasPrefix("error:") }) {
                    session.stop()
                    throw ToolFailure(description: "virsh could not create the domains on \(uri):\n" + session.output.joined(separator: "\n"))
                }
            }
        } else {
            let results = Virsh.runAll(zip(domains, definitions).map { ($0.0.guest.uri, ["create", $0.1.path]) })
            let failures = zip(domains, results).compactMap { domain, result -> String? in
                if case .failure(let error) = result { return "\(domain.name): \(error)" }
                return nil
            }
            if !failures.isEmpty {
                try? down()
                throw ToolFailure(description: "virsh create failed (the fleet is down again):\n" + failures.joined(separator: "\n"))
            }
        }
        try awaitServing()
        return sessions
    }

    /// The URIs the guests use, each once.
    var uris: [String] {
        file.guests.map(\.uri).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// Waits until every guest's update listener answers `status`, then registers the
    /// known-good images.
    private func awaitServing(timeout: Double = 90) throws {
        let guests = file.guests
        let failures = parallel(guests.count) { index -> String? in
            let guest = guests[index]
            let deadline = Date().addingTimeInterval(timeout)
            while (try? GuestStatus.fetch(host: Self.address(guest, RunNetwork.updatePort), port: guest.updatePort, timeoutSeconds: 2)) == nil {
                guard Date() < deadline else { return "\(guest.name): its update port did not answer within \(Int(timeout)) s" }
                usleep(100_000)
            }
            guard let knownGood = guest.knownGood else { return nil }
            do {
                let bundle = try [UInt8](Data(contentsOf: knownGood))
                let answer = try Push.send(bundle, host: Self.address(guest, RunNetwork.rollbackPort), port: guest.hostPort(RunNetwork.rollbackPort)!)
                guard case .registered = answer else { return "\(guest.name): registering \(knownGood.path): \(Push.describe(answer))" }
            } catch {
                return "\(guest.name): registering \(knownGood.path): \(error)"
            }
            return nil
        }.compactMap { $0 }
        guard failures.isEmpty else {
            throw ToolFailure(description: failures.joined(separator: "\n")
                + "\n(the consoles are in \(file.consoleFolder.path); liu fleet down removes the domains)")
        }
        say("liu fleet: \(guests.count) guests serving")
    }

    // MARK: down

    /// Destroys every domain whose name has the fleet's prefix (guests no longer in the file and
    /// domains left by a killed liu too), all at once; returns their names.
    @discardableResult
    public func down() throws -> [String] {
        let found = try uris.flatMap { uri in try Virsh.domains(uri, prefix: file.domainPrefix).map { (uri: uri, name: $0) } }
        try Virsh.destroy(found)
        // A persistent domain of that name (defined by hand) stays defined after destroy.
        let left = try uris.flatMap { try Virsh.domains($0, prefix: file.domainPrefix) }
        guard left.isEmpty else { throw ToolFailure(description: "still defined after virsh destroy: \(left.joined(separator: ", ")) (virsh undefine them)") }
        say("liu fleet: removed \(found.count) domains" + (found.isEmpty ? "" : ": " + found.map(\.name).joined(separator: ", ")))
        return found.map(\.name)
    }
}

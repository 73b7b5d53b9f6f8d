import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One event of `virsh event --all --loop --timestamp`.
public struct DomainEvent: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// The guest reset and, under `on_reboot=restart`, boots its original image again: what
        /// libvirt reports for a hard reset (no lifecycle event comes with it).
        case reboot
        /// A lifecycle change, e.g. `Stopped Destroyed`, `Started Booted`.
        case lifecycle(String)
        case other(String)
    }

    public var domain: String
    public var kind: Kind
    /// As virsh prints it, e.g. `2026-12-01 14:52:30.184+0000`.
    public var timestamp: String
}

extension DomainEvent {
    /// Reads `TIMESTAMP: event 'KIND' for domain 'NAME'[: DETAIL]`; nil for other lines.
    public init?(parsing line: String) {
        guard let marker = line.range(of: ": event '") else { return nil }
        let rest = line[marker.upperBound...]
        guard let kindEnd = rest.firstIndex(of: "'") else { return nil }
        let kind = String(rest[..<kindEnd])
        let afterKind = rest[rest.index(after: kindEnd)...]
        guard afterKind.hasPrefix(" for domain '") else { return nil }
        let nameStart = afterKind.index(afterKind.startIndex, offsetBy: " for domain '".count)
        guard let nameEnd = afterKind[nameStart...].firstIndex(of: "'") else { return nil }
        domain = String(afterKind[nameStart..<nameEnd])
        let detail = afterKind[afterKind.index(after: nameEnd)...].drop { $0 == ":" || $0 == " " }
        timestamp = String(line[..<marker.lowerBound])
        switch kind {
        case "reboot": self.kind = .reboot
        case "lifecycle": self.kind = .lifecycle(String(detail))
        default: self.kind = .other(detail.isEmpty ? kind : "\(kind): \(detail)")
        }
    }
}

/// A `virsh` that lives as long as liu (parent-death signal, like `QEMUInstance`) and prints
/// libvirt's domain events: `virsh -c URI "COMMANDS ; event --all --loop --timestamp"`.
/// The commands before the event loop run on the same connection: domains it creates with
/// `create FILE --autodestroy` are destroyed by libvirt when that connection ends, so they
/// cannot outlive liu (or a test), however it ends.
public final class LibvirtEvents: @unchecked Sendable {
    private let process = Process()
    private let pipe = Pipe()
    private let condition = NSCondition()
    private var events: [DomainEvent] = []
    private var lines: [String] = []
    private var partial = Data()

    /// Starts the watcher on `uri`, after running `commands` (each one virsh command's words).
    public init(uri: String, commands: [[String]] = []) throws {
        let script = (commands + [["event", "--all", "--loop", "--timestamp"]])
            .map { $0.map(Self.quoted).joined(separator: " ") }.joined(separator: " ; ")
        process.executableURL = URL(fileURLWithPath: try Shell.locate("setpriv"))
        process.arguments = ["--pdeathsig", "KILL", "--", try Shell.locate("virsh"), "-c", uri, script]
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.append(handle.availableData) }
        let process = process
        try SpawningThread.shared.perform { try process.run() }
    }

    deinit { stop() }

    /// virsh's words quoted for its own command parser.
    static func quoted(_ word: String) -> String {
        word.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=".contains($0) } ? word
            : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private func append(_ data: Data) {
        guard !data.isEmpty else { return }
        condition.withLock {
            partial.append(data)
            while let end = partial.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: partial[partial.startIndex..<end], as: UTF8.self)
                partial.removeSubrange(partial.startIndex...end)
                lines.append(line)
                if let event = DomainEvent(parsing: line) { events.append(event) }
            }
            condition.broadcast()
        }
    }

    public var isRunning: Bool { process.isRunning }

    /// Everything virsh printed so far, line by line (command output, errors, events).
    public var output: [String] { condition.withLock { lines } }

    /// The events so far, oldest first.
    public var received: [DomainEvent] { condition.withLock { events } }

    /// Waits until `done(lines)` holds for virsh's output, or virsh ended, or `timeout` passed.
    public func waitForOutput(timeout: Double, _ done: ([String]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        return condition.withLock {
            while !done(lines) {
                if !process.isRunning || Date() >= deadline { return done(lines) }
                _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.1)))
            }
            return true
        }
    }

    /// Ends virsh (and with it the domains it created with `--autodestroy`). SIGKILL: `virsh
    /// event --loop` ignores SIGTERM.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        pipe.fileHandleForReading.readabilityHandler = nil
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A kernel running the counter service (`Services/counter`, the live-update demo) in QEMU:
/// requests and status lines on its port 8, pushed updates (see `ServiceGuest`).
public final class CounterGuest {
    public let guest: ServiceGuest
    public var instance: QEMUInstance { guest.instance }
    public var counterPort: UInt16 { guest.hostPort(8) }
    public var updatePort: UInt16 { guest.updatePort }
    public var rollbackPort: UInt16 { guest.rollbackPort }

    /// With `allowReboot`, a hard reset reboots the original image instead of ending QEMU;
    /// `countsInstructions` runs TCG under QEMU's instruction counter; `qemuArguments` go to QEMU last.
    public init(target: KernelTarget, machine: Machine, accelerator: Accelerator, image: URL,
                commandLine: String = "", allowReboot: Bool = false, echo: Bool = false, echoPrefix: String? = nil,
                countsInstructions: Bool = false, qemuArguments: [String] = []) throws {
        guest = try ServiceGuest(target: target, machine: machine, accelerator: accelerator, image: image, tcpPorts: [8],
                                 commandLine: commandLine, allowReboot: allowReboot, echo: echo, echoPrefix: echoPrefix,
                                 countsInstructions: countsInstructions, qemuArguments: qemuArguments)
    }

    /// Sends `line` on a fresh connection and returns the answer line without its newline.
    public func request(_ line: String = "next") throws -> String {
        let socket = try Push.connect(host: "127.0.0.1", port: counterPort, timeoutSeconds: 30)
        defer { close(socket) }
        let bytes = Array((line + "\n").utf8)
        guard Glibc.send(socket, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
            throw Push.Failure.system("sending to the counter")
        }
        return try Push.readLine(socket)
    }

    public func status() throws -> CounterStatus {
        let line = try request("status")
        guard let status = CounterStatus(parsing: line) else { throw Push.Failure("unexpected status line: '\(line)'") }
        return status
    }

    public func push(_ image: [UInt8]) throws -> Push.Answer { try guest.push(image) }

    public func registerRollback(_ image: [UInt8]) throws -> Push.Answer { try guest.registerRollback(image) }

    /// Polls the status until the kernel reports `boots` boots (the updated kernel serves),
    /// while connections fail during the swap.
    public func awaitBoot(_ boots: Int, timeout: Double = 60) throws -> CounterStatus {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = try? status(), status.boots >= boots { return status }
            usleep(20_000)
        }
        throw Push.Failure("the counter did not come back with \(boots) boots within \(Int(timeout)) s:\n\(instance.serialOutput)")
    }

    public func stop() -> QEMURun { guest.stop() }
}

/// The counter's answer to `status`: `version=V count=N boots=B uptime-ms=U updates=K
/// history=1,2 downtime-ns total=T save=S ...` (`downtime-ns none` before any update).
public struct CounterStatus: Sendable {
    public var version: String
    public var count: Int
    public var boots: Int
    public var uptimeMilliseconds: Int
    public var updates: Int
    public var history: [String]
    /// The last update's downtime phases, in order, `total` first.
    public var downtime: DowntimeSummary

    public init?(parsing line: String) {
        let parts = line.components(separatedBy: "downtime-ns")
        guard parts.count == 2 else { return nil }
        var fields: [String: String] = [:]
        for word in parts[0].split(separator: " ") {
            guard let equals = word.firstIndex(of: "=") else { continue }
            fields[String(word[..<equals])] = String(word[word.index(after: equals)...])
        }
        guard let version = fields["version"], let count = fields["count"].flatMap(Int.init),
              let boots = fields["boots"].flatMap(Int.init), let uptime = fields["uptime-ms"].flatMap(Int.init),
              let updates = fields["updates"].flatMap(Int.init), let history = fields["history"] else { return nil }
        self.version = version
        self.count = count
        self.boots = boots
        uptimeMilliseconds = uptime
        self.updates = updates
        self.history = history.split(separator: ",").map(String.init)
        guard let downtime = DowntimeSummary(parts[1]) else { return nil }
        self.downtime = downtime
    }

}

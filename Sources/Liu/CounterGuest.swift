import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A kernel running the counter service (`service=counter`, the live-update demo) in QEMU,
/// reached through user networking's port forwards on 127.0.0.1: requests, status lines and
/// pushed updates. Used by `liu bench update`, `liu demo` and the boot tests.
public final class CounterGuest {
    public let instance: QEMUInstance
    public let counterPort: UInt16
    public let updatePort: UInt16
    public let rollbackPort: UInt16

    /// With `allowReboot`, a hard reset reboots the original image instead of ending QEMU.
    public init(target: KernelTarget, machine: Machine, accelerator: Accelerator, image: URL,
                commandLine: String = "", allowReboot: Bool = false, echo: Bool = false) throws {
        counterPort = try Self.freePort()
        updatePort = try Self.freePort()
        rollbackPort = try Self.freePort()
        var configuration = QEMUConfiguration(target: target, machine: machine, accelerator: accelerator, image: image)
        configuration.commandLine = ("service=counter " + commandLine).trimmingCharacters(in: .whitespaces)
        configuration.allowReboot = allowReboot
        configuration.network = UserNetwork(forwards: [.init(.tcp, hostPort: counterPort, guestPort: 8),
                                                       .init(.tcp, hostPort: updatePort, guestPort: 666),
                                                       .init(.tcp, hostPort: rollbackPort, guestPort: 667)])
        instance = try QEMU.start(configuration, echo: echo)
        guard instance.waitForOutput("update: listening on TCP port 666", timeout: 60) else {
            let run = instance.stop()
            throw Push.Failure("the counter service did not start (\(run.exit)):\n\(run.serialOutput)")
        }
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

    /// Pushes `image` to the update listener.
    public func push(_ image: [UInt8]) throws -> Push.Answer {
        try Push.send(image, host: "127.0.0.1", port: updatePort)
    }

    /// Registers `image` as the known-good image for rollbacks.
    public func registerRollback(_ image: [UInt8]) throws -> Push.Answer {
        try Push.send(image, host: "127.0.0.1", port: rollbackPort)
    }

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

    public func stop() -> QEMURun { instance.stop() }

    /// A port the host just handed out for 127.0.0.1, so very likely still free.
    static func freePort() throws -> UInt16 {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { throw Push.Failure.system("socket") }
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(probe, pointer, length) == 0 && getsockname(probe, pointer, &length) == 0
            }
        }
        guard bound else { throw Push.Failure.system("bind") }
        return UInt16(bigEndian: address.sin_port)
    }
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
    /// The last update's downtime phases in nanoseconds, in order, `total` first.
    public var downtime: [(phase: String, nanoseconds: UInt64)]

    public init?(parsing line: String) {
        var fields: [String: String] = [:]
        var downtime: [(String, UInt64)] = []
        var inDowntime = false
        for word in line.split(separator: " ") {
            if word == "downtime-ns" { inDowntime = true; continue }
            guard let equals = word.firstIndex(of: "=") else { continue }
            let key = String(word[..<equals]), value = String(word[word.index(after: equals)...])
            if inDowntime {
                guard let nanoseconds = UInt64(value) else { return nil }
                downtime.append((key, nanoseconds))
            } else {
                fields[key] = value
            }
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
        self.downtime = downtime
    }

}

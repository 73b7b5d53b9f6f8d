import Foundation

/// A kernel running a service in QEMU, reached through user networking's port forwards on
/// 127.0.0.1: the service's TCP ports, and the update (666) and known-good image (667) ports.
/// Used by `liu bench update`, `liu demo` and the boot tests.
public final class ServiceGuest {
    public let instance: QEMUInstance
    public let updatePort: UInt16
    public let rollbackPort: UInt16
    /// Host port by guest port, for the service's own TCP and UDP ports.
    private let forwards: [UInt16: UInt16]
    private let udpForwards: [UInt16: UInt16]

    /// Boots `image` and waits until the update listener is up (its console line `ready`).
    /// With `allowReboot`, a hard reset reboots the original image instead of ending QEMU.
    public init(target: KernelTarget, machine: Machine, accelerator: Accelerator, image: URL, tcpPorts: [UInt16],
                udpPorts: [UInt16] = [], commandLine: String = "", memoryMiB: Int? = nil, allowReboot: Bool = false, echo: Bool = false,
                echoPrefix: String? = nil, ready: String = "update: listening on TCP port 666", countsInstructions: Bool = false) throws {
        var forwards: [UInt16: UInt16] = [:]
        for port in tcpPorts { forwards[port] = try Self.freePort() }
        var udpForwards: [UInt16: UInt16] = [:]
        for port in udpPorts { udpForwards[port] = try Self.freePort() }
        self.forwards = forwards
        self.udpForwards = udpForwards
        updatePort = try Self.freePort()
        rollbackPort = try Self.freePort()
        var configuration = QEMUConfiguration(target: target, machine: machine, accelerator: accelerator, image: image)
        configuration.commandLine = commandLine
        configuration.allowReboot = allowReboot
        configuration.countsInstructions = countsInstructions
        if let memoryMiB { configuration.memoryMiB = memoryMiB }
        configuration.network = UserNetwork(forwards: forwards.sorted { $0.key < $1.key }.map { .init(.tcp, hostPort: $0.value, guestPort: $0.key) }
            + udpForwards.sorted { $0.key < $1.key }.map { .init(.udp, hostPort: $0.value, guestPort: $0.key) }
            + [.init(.tcp, hostPort: updatePort, guestPort: 666), .init(.tcp, hostPort: rollbackPort, guestPort: 667)])
        instance = try QEMU.start(configuration, echo: echo, echoPrefix: echoPrefix)
        guard instance.waitForOutput(ready, timeout: 60) else {
            let run = instance.stop()
            throw Push.Failure("the service did not start (\(run.exit)):\n\(run.serialOutput)")
        }
    }

    /// The host port forwarded to the service's `guestPort`.
    public func hostPort(_ guestPort: UInt16) -> UInt16 { forwards[guestPort]! }

    /// The host port forwarded to the service's UDP `guestPort`.
    public func hostUDPPort(_ guestPort: UInt16) -> UInt16 { udpForwards[guestPort]! }

    /// Pushes `image` to the update listener.
    public func push(_ image: [UInt8]) throws -> Push.Answer {
        try Push.send(image, host: "127.0.0.1", port: updatePort)
    }

    /// Registers `image` as the known-good image for rollbacks.
    public func registerRollback(_ image: [UInt8]) throws -> Push.Answer {
        try Push.send(image, host: "127.0.0.1", port: rollbackPort)
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

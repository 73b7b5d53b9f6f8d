import Foundation

/// A kernel running a service in QEMU, reached through user networking's port forwards on
/// 127.0.0.1 (the service's TCP ports, and the update (666) and known-good image (667) ports),
/// or with `tap` on its own address on a tap device in a network namespace (`TapNamespace`,
/// root), for clients that connect many at once: QEMU's forwarded ports accept one connection
/// at a time, and a burst of connects can wait more than the 63 s after which Linux resets them.
/// Used by `liu bench update`, `liu bench kv`, `liu demo` and the boot tests.
public final class ServiceGuest {
    public let instance: QEMUInstance
    /// Where clients reach the guest: 127.0.0.1, or its address in `namespace`.
    public let host: String
    /// The namespace of the tap device, which clients must run in (`reach`, its launch prefix).
    public let namespace: TapNamespace?
    public let updatePort: UInt16
    public let rollbackPort: UInt16
    /// Host port by guest port, for the service's own TCP and UDP ports.
    private let forwards: [UInt16: UInt16]
    private let udpForwards: [UInt16: UInt16]

    /// Boots `image` and waits until the update listener is up (its console line `ready`).
    /// With `allowReboot`, a hard reset reboots the original image instead of ending QEMU.
    public init(target: KernelTarget, machine: Machine, accelerator: Accelerator, image: URL, tcpPorts: [UInt16],
                udpPorts: [UInt16] = [], commandLine: String = "", memoryMiB: Int? = nil, allowReboot: Bool = false, echo: Bool = false,
                echoPrefix: String? = nil, ready: String = "update: listening on TCP port 666", countsInstructions: Bool = false,
                tap: Bool = false, qemuArguments: [String] = []) throws {
        var configuration = QEMUConfiguration(target: target, machine: machine, accelerator: accelerator, image: image)
        configuration.commandLine = commandLine
        let namespace = tap ? try TapNamespace() : nil
        if let namespace {
            (forwards, udpForwards) = (Dictionary(uniqueKeysWithValues: tcpPorts.map { ($0, $0) }),
                                       Dictionary(uniqueKeysWithValues: udpPorts.map { ($0, $0) }))
            (host, updatePort, rollbackPort) = (TapNamespace.guestAddress, 666, 667)
            configuration.commandLine = TapNamespace.guestCommandLine + (commandLine.isEmpty ? "" : " " + commandLine)
            configuration.network = TapNetwork(interface: TapNamespace.interface)
            configuration.launchPrefix = namespace.launchPrefix
        } else {
            var forwards: [UInt16: UInt16] = [:]
            for port in tcpPorts { forwards[port] = try Self.freePort() }
            var udpForwards: [UInt16: UInt16] = [:]
            for port in udpPorts { udpForwards[port] = try Self.freePort() }
            (self.forwards, self.udpForwards) = (forwards, udpForwards)
            (host, updatePort, rollbackPort) = ("127.0.0.1", try Self.freePort(), try Self.freePort())
            configuration.network = UserNetwork(forwards: forwards.sorted { $0.key < $1.key }.map { .init(.tcp, hostPort: $0.value, guestPort: $0.key) }
                + udpForwards.sorted { $0.key < $1.key }.map { .init(.udp, hostPort: $0.value, guestPort: $0.key) }
                + [.init(.tcp, hostPort: updatePort, guestPort: 666), .init(.tcp, hostPort: rollbackPort, guestPort: 667)])
        }
        self.namespace = namespace
        configuration.allowReboot = allowReboot
        configuration.countsInstructions = countsInstructions
        configuration.extraArguments = qemuArguments
        if let memoryMiB { configuration.memoryMiB = memoryMiB }
        do {
            instance = try QEMU.start(configuration, echo: echo, echoPrefix: echoPrefix)
        } catch {
            namespace?.remove()
            throw error
        }
        guard instance.waitForOutput(ready, timeout: 60) else {
            let run = instance.stop()
            namespace?.remove()
            throw Push.Failure("the service did not start (\(run.exit)):\n\(run.serialOutput)")
        }
    }

    /// Runs `body` where the guest can be reached: in the tap device's namespace, if any.
    public func reach<R>(_ body: @escaping @Sendable () throws -> R) throws -> R {
        guard let namespace else { return try body() }
        return try namespace.inside(body)
    }

    /// The host port forwarded to the service's `guestPort` (on a tap device, `guestPort` itself).
    public func hostPort(_ guestPort: UInt16) -> UInt16 { forwards[guestPort]! }

    /// The host port forwarded to the service's UDP `guestPort`.
    public func hostUDPPort(_ guestPort: UInt16) -> UInt16 { udpForwards[guestPort]! }

    /// Pushes `image` to the update listener.
    public func push(_ image: [UInt8]) throws -> Push.Answer {
        try reach { [host, updatePort] in try Push.send(image, host: host, port: updatePort) }
    }

    /// Registers `image` as the known-good image for rollbacks.
    public func registerRollback(_ image: [UInt8]) throws -> Push.Answer {
        try reach { [host, rollbackPort] in try Push.send(image, host: host, port: rollbackPort) }
    }

    /// Stops QEMU and removes the namespace.
    public func stop() -> QEMURun {
        defer { namespace?.remove() }
        return instance.stop()
    }

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

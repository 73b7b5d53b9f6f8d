import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A network namespace holding one tap device (`tap0`, 10.77.0.1/24) for one guest (10.77.0.2),
/// for clients that open many connections at once (`wrk -c 64`, redis-benchmark). QEMU's user networking is no
/// good for those: its forwarded ports listen with a backlog of 1, so a burst of connects waits
/// seconds for SYN retransmissions (and wrk counts them as timeouts). Needs root.
public final class TapNamespace {
    public static let interface = "tap0"
    public static let guestAddress = "10.77.0.2"
    public static let guestCommandLine = "ip=10.77.0.2/24 gw=10.77.0.1"

    public let name = NetworkNamespaceNames.make("guest")

    /// Whether this process may make one (root).
    public static var isAvailable: Bool { getuid() == 0 }

    /// Creates the namespace and its tap device, after removing those killed runs left behind;
    /// removes what it made when a step fails.
    public init() throws {
        guard Self.isAvailable else { throw ToolFailure(description: "a tap device in a network namespace needs root") }
        NetworkNamespaceNames.removeStale()
        try Shell.run("ip", ["netns", "add", name])
        do {
            for step in [["link", "set", "lo", "up"], ["tuntap", "add", "dev", Self.interface, "mode", "tap"],
                         ["address", "add", "10.77.0.1/24", "dev", Self.interface], ["link", "set", Self.interface, "up"]] {
                try Shell.run("ip", ["netns", "exec", name, "ip"] + step)
            }
        } catch {
            remove()
            throw error
        }
    }

    /// What runs a program inside the namespace: put before its command line.
    public var launchPrefix: [String] { ["ip", "netns", "exec", name] }

    public func remove() { _ = try? Shell.run("ip", ["netns", "delete", name]) }

    /// Runs `body` on a thread of its own that joined the namespace (a namespace is per thread),
    /// so that its sockets reach the guest; waits for it.
    public func inside<R>(_ body: @escaping @Sendable () throws -> R) throws -> R {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<R, any Error> = .failure(ToolFailure(description: "the namespace thread did not run"))
        let path = "/var/run/netns/\(name)"
        let thread = Thread {
            defer { done.signal() }
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0, joinNamespace(descriptor, cloneNewNet) == 0 else {
                result = .failure(ToolFailure(description: "cannot join the network namespace \(path): \(String(cString: strerror(errno)))"))
                return
            }
            close(descriptor)
            result = Result { try body() }
        }
        thread.start()
        done.wait()
        return try result.get()
    }
}

/// setns(2) and CLONE_NEWNET, which Glibc's Swift module leaves out (they need _GNU_SOURCE).
@_silgen_name("setns")
private func joinNamespace(_ descriptor: Int32, _ type: Int32) -> Int32
private let cloneNewNet: Int32 = 0x4000_0000

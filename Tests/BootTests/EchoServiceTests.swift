import Foundation
import Liu
import Testing

/// The echo service (`Services/echo`) over virtio-net on every target and machine under TCG:
/// QEMU user networking forwards a host port on 127.0.0.1 to the guest's port 7.
@Suite("Echo service over virtio-net", .serialized)
struct EchoServiceTests {
    @Test("a few hundred KiB come back unchanged over one TCP connection", arguments: BootCase.tcg)
    func largeTransfer(_ boot: BootCase) throws {
        try EchoGuest.with(boot) { guest in
            let payload = pseudoRandomBytes(count: 384 * 1024, seed: 1)
            let started = Date()
            let echoed = try guest.exchange(payload)
            let seconds = Date().timeIntervalSince(started)
            #expect(echoed.count == payload.count)
            #expect(echoed == payload, "echoed bytes differ")
            print("echo throughput \(boot.testDescription): "
                + String(format: "%.2f MB/s (%d bytes in %.2f s)", Double(payload.count) / seconds / 1e6, payload.count, seconds))
        }
    }

    @Test("20 concurrent TCP connections each get their own bytes back", arguments: BootCase.tcg)
    func concurrentConnections(_ boot: BootCase) throws {
        try EchoGuest.with(boot) { guest in
            let count = 20
            let sockets = try (0..<count).map { _ in try HostSocket.tcp(port: guest.tcpPort) }
            let results = ResultBox(count: count)
            let group = DispatchGroup()
            for (index, socket) in sockets.enumerated() {
                let payload = pseudoRandomBytes(count: 24 * 1024 + index * 1000, seed: UInt64(100 + index))
                group.enter()
                Thread.detachNewThread {
                    results.set(index, Result { try EchoGuest.exchange(payload, over: socket) == payload })
                    group.leave()
                }
            }
            #expect(group.wait(timeout: .now() + 120) == .success, "connections did not finish")
            for index in 0..<count {
                switch results.get(index) {
                case .success(let same): #expect(same, "connection \(index) got different bytes back")
                case .failure(let error): Issue.record("connection \(index): \(error)")
                case nil: Issue.record("connection \(index) never finished")
                }
            }
        }
    }

    @Test("a modern (version 2) virtio-mmio device works too", arguments: BootCase.tcg.filter { $0.machine != .pc })
    func modernMMIO(_ boot: BootCase) throws {
        try EchoGuest.with(boot, extraArguments: ["-global", "virtio-mmio.force-legacy=false"]) { guest in
            let payload = pseudoRandomBytes(count: 64 * 1024, seed: 7)
            let echoed = try guest.exchange(payload)
            #expect(echoed == payload)
        }
    }

    @Test("the address can come from DHCP", arguments: BootCase.tcg)
    func dhcp(_ boot: BootCase) throws {
        try EchoGuest.with(boot, commandLine: "ip=dhcp", ready: "echo: DHCP lease 10.0.2.15") { guest in
            let payload = pseudoRandomBytes(count: 64 * 1024, seed: 9)
            let echoed = try guest.exchange(payload)
            #expect(echoed == payload)
        }
    }

    @Test("without a network card the service fails clearly", arguments: [BootCase.tcg[0]])
    func noCard(_ boot: BootCase) throws {
        let run = try boot.boot("", service: "echo")
        #expect(run.exit == .status(1), "\(run.exit)")
        #expect(run.serialOutput.contains("echo: no virtio network device"), "\(run.serialOutput)")
    }

    @Test("a malformed address on the command line fails clearly", arguments: [BootCase.tcg[0]])
    func malformedAddress(_ boot: BootCase) throws {
        let run = try boot.boot("ip=300.1.1.1", service: "echo")
        #expect(run.exit == .status(1), "\(run.exit)")
        #expect(run.serialOutput.contains("echo: malformed ip="), "\(run.serialOutput)")
    }

    @Test("UDP datagrams are echoed", arguments: BootCase.tcg)
    func udpDatagrams(_ boot: BootCase) throws {
        try EchoGuest.with(boot) { guest in
            let socket = try HostSocket.udp(port: guest.udpPort)
            for size in [1, 100, 1400] {
                let datagram = pseudoRandomBytes(count: size, seed: UInt64(size))
                try socket.sendAll(datagram)
                #expect(try socket.receiveDatagram() == datagram, "datagram of \(size) bytes")
            }
        }
    }
}

/// A guest running the echo service, reachable through forwarded host ports.
struct EchoGuest {
    let tcpPort: UInt16
    let udpPort: UInt16

    /// Boots `boot` with the echo service, runs `body` once it listens, then stops QEMU.
    /// `ready` is the serial line that says the guest can be reached.
    static func with(_ boot: BootCase, commandLine: String = "", ready: String = "echo: listening",
                     extraArguments: [String] = [], _ body: (EchoGuest) throws -> Void) throws {
        let guest = EchoGuest(tcpPort: try HostSocket.freePort(), udpPort: try HostSocket.freePort(type: Int32(SOCK_DGRAM.rawValue)))
        var configuration = QEMUConfiguration(target: boot.target, machine: boot.machine, accelerator: boot.accelerator,
                                              image: try KernelImages.image(boot.target, "echo"))
        configuration.commandLine = commandLine
        configuration.extraArguments = extraArguments
        configuration.network = UserNetwork(forwards: [.init(.tcp, hostPort: guest.tcpPort, guestPort: 7),
                                                       .init(.udp, hostPort: guest.udpPort, guestPort: 7)])
        let instance = try QEMU.start(configuration)
        defer {
            let run = instance.stop()
            #expect(run.exit == .timedOut, "the echo service ended: \(run.exit)\n\(run.serialOutput)")
        }
        guard instance.waitForOutput(ready, timeout: 60) else {
            Issue.record("the echo service did not start:\n\(instance.serialOutput)")
            return
        }
        let modern = extraArguments.contains("virtio-mmio.force-legacy=false")
        #expect(instance.serialOutput.contains(modern ? "(modern)" : "(legacy)"), "\(instance.serialOutput)")
        #expect(instance.serialOutput.contains(", interrupts"), "the card should interrupt: \(instance.serialOutput)")
        try body(guest)
    }

    func exchange(_ payload: [UInt8]) throws -> [UInt8] {
        try Self.exchange(payload, over: try HostSocket.tcp(port: tcpPort))
    }

    /// Sends `payload` from a second thread while reading the echo, then half-closes and
    /// expects the guest to close too once everything came back.
    static func exchange(_ payload: [UInt8], over socket: HostSocket) throws -> [UInt8] {
        let writeResult = ResultBox(count: 1)
        let written = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            writeResult.set(0, Result {
                try socket.sendAll(payload)
                socket.shutdownWrite()
                return true
            })
            written.signal()
        }
        let echoed = try socket.receive(count: payload.count)
        written.wait()
        if case .failure(let error) = writeResult.get(0) { throw error }
        #expect(try socket.receive(count: 1).isEmpty, "the guest did not close after the echo")
        return echoed
    }
}

/// Results written by worker threads.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<Bool, any Error>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<Bool, any Error>) {
        lock.lock()
        results[index] = result
        lock.unlock()
    }

    func get(_ index: Int) -> Result<Bool, any Error>? {
        lock.lock()
        defer { lock.unlock() }
        return results[index]
    }
}

import Foundation
import Liu
import Testing

/// Issue 6 through QEMU user networking: the echo service keeps its TCP connections (and its
/// network card's queues) across live updates, so clients notice nothing but a pause.
@Suite("TCP connections kept across updates under TCG", .serialized)
struct ConnectionHandoverTests {
    static let cases = BootCase.tcg

    @Test("100 connections stay open through 10 updates, every byte echoed", arguments: cases)
    func hundredConnectionsTenUpdates(_ boot: BootCase) throws {
        try EchoUpdateGuest.with(boot) { guest in
            let sockets = try guest.connect(100)
            try Self.exchangeOnEach(sockets, round: 0)
            for round in 1...10 {
                try guest.update(round: round)
                try Self.exchangeOnEach(sockets, round: round)
            }
            let log = guest.instance.serialOutput
            #expect(log.components(separatedBy: "echo: connections restored: ").count == 11, "\(log)")
            #expect(!log.contains("nothing restored"), "\(log)")
            #expect(log.contains("queues adopted from the previous kernel"), "\(log)")
            for socket in sockets {
                socket.shutdownWrite()
                #expect(try socket.receive(count: 1).isEmpty, "the guest closes after the client's FIN")
            }
            let downtimes = log.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("update: downtime") }
            print("connections \(boot.testDescription): 100 connections through 10 updates; last: \(downtimes.last ?? "?")")
        }
    }

    @Test("a transfer in flight during an update arrives intact", arguments: cases)
    func transferAcrossUpdate(_ boot: BootCase) throws {
        try EchoUpdateGuest.with(boot) { guest in
            let socket = try HostSocket.tcp(port: guest.echoPort, timeoutSeconds: 60)
            let payload = pseudoRandomBytes(count: 24 << 20, seed: 42)
            let gaps = GapClock()
            let writer = Thread { try? socket.sendAll(payload) }
            writer.start()
            let updater = Thread {
                Thread.sleep(forTimeInterval: 0.3)
                gaps.updateResult = Result { try guest.update(round: 1) }
            }
            updater.start()
            var echoed = [UInt8]()
            echoed.reserveCapacity(payload.count)
            while echoed.count < payload.count {
                let chunk = try socket.receive(upTo: 256 * 1024)
                guard !chunk.isEmpty else { break }
                gaps.mark()
                echoed += chunk
            }
            while gaps.updateResult == nil { Thread.sleep(forTimeInterval: 0.05) }
            if case .failure(let error) = gaps.updateResult { throw error }
            #expect(echoed.count == payload.count)
            #expect(echoed == payload, "echoed bytes differ")
            print("connections \(boot.testDescription): 24 MiB echoed across an update, longest receive gap "
                + String(format: "%.0f ms", gaps.longest * 1000))
        }
    }

    @Test("with the card reset instead of handed over, connections still survive", arguments: cases)
    func deviceResetFallback(_ boot: BootCase) throws {
        try EchoUpdateGuest.with(boot, commandLine: "liu.nic-handover=0") { guest in
            let sockets = try guest.connect(10)
            try Self.exchangeOnEach(sockets, round: 0)
            for round in 1...3 {
                try guest.update(round: round)
                try Self.exchangeOnEach(sockets, round: round)
            }
            #expect(!guest.instance.serialOutput.contains("queues adopted"), "\(guest.instance.serialOutput)")
        }
    }

    /// Sends each socket its own bytes for this round (all first, so the guest serves them
    /// together) and expects exactly them back on each.
    static func exchangeOnEach(_ sockets: [HostSocket], round: Int) throws {
        let payloads = sockets.indices.map { pseudoRandomBytes(count: 200 + $0 * 7, seed: UInt64(round * 1000 + $0)) }
        for (socket, payload) in zip(sockets, payloads) { try socket.sendAll(payload) }
        for (index, socket) in sockets.enumerated() {
            #expect(try socket.receive(count: payloads[index].count) == payloads[index], "connection \(index) after update \(round)")
        }
    }
}

/// Times between arrivals on the receiving side.
final class GapClock: @unchecked Sendable {
    private var last = Date()
    private(set) var longest: TimeInterval = 0
    var updateResult: Result<Void, any Error>?

    func mark() {
        let now = Date()
        longest = max(longest, now.timeIntervalSince(last))
        last = now
    }
}

/// The echo service with port forwards for echo (7) and updates (666).
struct EchoUpdateGuest {
    let instance: QEMUInstance
    let echoPort: UInt16
    let updatePort: UInt16
    let images: [[UInt8]]

    static func with(_ boot: BootCase, commandLine: String = "", _ body: (EchoUpdateGuest) throws -> Void) throws {
        let echoPort = try HostSocket.freePort(), updatePort = try HostSocket.freePort()
        var configuration = QEMUConfiguration(target: boot.target, machine: boot.machine, accelerator: boot.accelerator,
                                              image: try KernelImages.image(boot.target, "echo"))
        configuration.commandLine = commandLine
        configuration.network = UserNetwork(forwards: [.init(.tcp, hostPort: echoPort, guestPort: 7),
                                                       .init(.tcp, hostPort: updatePort, guestPort: 666)])
        let images = try [KernelImages.bundle(boot.target, "echo"), KernelImages.bundle(boot.target, "echo", label: "2")]
        let instance = try QEMU.start(configuration)
        defer {
            let run = instance.stop()
            #expect(run.exit == .timedOut, "the echo service ended: \(run.exit)\n\(run.serialOutput)")
        }
        guard instance.waitForOutput("update: listening on TCP port 666", timeout: 60) else {
            Issue.record("the echo service did not start:\n\(instance.serialOutput)")
            return
        }
        try body(EchoUpdateGuest(instance: instance, echoPort: echoPort, updatePort: updatePort, images: images))
    }

    /// `count` connections, each checked with a one-byte echo before the next is opened: QEMU
    /// user networking accepts host connections one at a time (a burst of connects meets 1 s
    /// SYN retransmissions on the host, not the guest's doing).
    func connect(_ count: Int) throws -> [HostSocket] {
        try (0..<count).map { _ in
            let socket = try HostSocket.tcp(port: echoPort, timeoutSeconds: 30)
            try socket.sendAll([0x2A])
            guard try socket.receive(count: 1) == [0x2A] else { throw ToolFailureDescription(text: "no echo on a new connection") }
            return socket
        }
    }

    /// Pushes the other version; returns once the new kernel confirmed on the push's own
    /// connection (kept across the update).
    func update(round: Int) throws {
        let answer = try Push.send(images[round % 2], host: "127.0.0.1", port: updatePort)
        guard answer.confirmedLabel == (round % 2 == 1 ? "2" : "1") else {
            throw ToolFailureDescription(text: "update \(round): \(answer)\n\(instance.serialOutput)")
        }
    }
}

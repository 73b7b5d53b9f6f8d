import Testing
import Net
#if canImport(Glibc)
import Glibc
#endif

/// Prints how long saving and restoring a stack with many established connections takes, and
/// the storage it uses. Run with `swift test -c release --filter NetSnapshotBenchmark`.
@Suite struct NetSnapshotBenchmark {
    #if DEBUG
    static let connections = 1000
    #else
    static let connections = 10_000
    #endif
    static let queued = 300

    /// `count` connections from the peer (ports 10000...) to port 80, each with `queued` bytes
    /// unread and `queued` bytes unacknowledged.
    static func busyStack(count: Int) throws -> CapturedStack {
        var parameters = NetworkParameters()
        parameters.tcpSendBufferSize = 4096
        parameters.tcpReceiveBufferSize = 4096
        let host = CapturedStack(parameters: parameters)
        host.learnPeer()
        let listener = try host.stack.tcp.listen(port: 80)
        var accepted: TCPConnection?
        listener.onAccept = { accepted = $0 }
        let payload = [UInt8](repeating: 0x5A, count: queued)
        for index in 0 ..< count {
            let port = UInt16(10_000 + index)
            let synAck = host.deliverTCP(port: 80, peerPort: port, seq: 1000, flags: .syn, options: SnapshotFixtures.synOptions)
            let ack = synAck[0].seq &+ 1
            host.deliverTCP(port: 80, peerPort: port, seq: 1001, ack: ack, flags: .ack)
            host.deliverTCP(port: 80, peerPort: port, seq: 1001, ack: ack, flags: [.ack, .psh], payload: payload)
            accepted?.write(payload)
        }
        return host
    }

    /// The CPU time `body` takes on this thread: on a shared machine the wall clock also
    /// counts the time other processes had the core.
    static func threadTime(_ body: () throws -> Void) rethrows -> Duration {
        #if canImport(Glibc)
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
        try body()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end)
        return .seconds(end.tv_sec - start.tv_sec) + .nanoseconds(end.tv_nsec - start.tv_nsec)
        #else
        try body()
        return .zero
        #endif
    }

    @Test func saveAndRestoreManyConnections() throws {
        let original = try Self.busyStack(count: Self.connections)
        #expect(original.stack.tcp.connectionCount == Self.connections)
        let area = SnapshotArea(size: 64 << 20)
        let clock = ContinuousClock()
        // The first round pays for the area's page faults; in both, the restore's objects land
        // on fresh heap pages (a restored stack is never freed: its connections and it refer
        // to each other), which the kernel, whose memory is all mapped, does not pay.
        for round in ["first", "second"] {
            var stored = 0
            var savingCPU = Duration.zero, restoringCPU = Duration.zero
            let saving = try clock.measure { savingCPU = try Self.threadTime { stored = try area.save(original.stack, now: original.now) } }
            let fresh = CapturedStack(parameters: original.stack.parameters, configured: false)
            var failure: NetSnapshotError?
            let restoring = try clock.measure {
                restoringCPU = try Self.threadTime { failure = try area.restore(into: fresh.stack, now: fresh.now) }
            }
            #expect(failure == nil)
            #expect(fresh.stack.tcp.connectionCount == Self.connections)
            #expect(fresh.stack.tcp.connections.allSatisfy {
                $0.availableBytes == Self.queued && $0.unacknowledgedBytes == Self.queued
            })
            print("net snapshot (\(round) round): \(Self.connections) connections with \(Self.queued) B queued each way: "
                  + "save \(saving), restore \(restoring) (store/resume with checksum included; "
                  + "CPU time of this thread: save \(savingCPU), restore \(restoringCPU)), "
                  + "\(stored) B stored = \(stored / Self.connections) B per connection")
        }
    }
}

import Testing
@testable import Net

/// Prints bytes/s through the in-memory wire (stack work plus harness overhead). Run with
/// `swift test -c release --filter ThroughputBenchmark`.
@Suite struct ThroughputBenchmark {
    #if DEBUG
    static let bytes = 4 << 20
    #else
    static let bytes = 128 << 20
    #endif

    @Test func bulkTransferThroughput() throws {
        for lossPercent in [0.0, 1.0] {
            let wire = TestWire(seed: 5)
            wire.logFrames = false
            let pair = try ConnectedPair(wire: wire)
            wire.lossPercent = lossPercent
            let clock = ContinuousClock()
            let start = clock.now
            let simulatedStart = wire.now
            #expect(pair.exchange(clientToServer: Self.bytes, serverToClient: 0, limit: 3600 * second))
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            #expect(pair.serverReceived.verifies(length: Self.bytes))
            let frames = wire.a.stats.framesSent + wire.b.stats.framesSent
            let simulated = Double(wire.now - simulatedStart) / 1e9
            print("throughput loss=\(lossPercent)%: \(Self.bytes >> 20) MiB in \(seconds) s wall = "
                  + "\(Int(Double(Self.bytes) / seconds / 1e6)) MB/s, \(Int(Double(frames) / seconds)) frames/s; "
                  + "simulated time \(simulated) s, retransmissions \(wire.a.stats.retransmissions)")
        }
    }

    /// Prints the fixed memory cost of an idle connection (buffers grow only when used).
    @Test func connectionFootprint() throws {
        let pair = try ConnectedPair(wire: TestWire())
        print("footprint: TCPControlBlock \(MemoryLayout<TCPControlBlock>.stride) bytes inline in each "
              + "TCPConnection object (plus its callbacks and dictionary slot); rings allocate only when used")
        #expect(pair.client.info.state == .established)
    }
}

import Testing
import TestSupport
import Net

/// Random damage to a saved stack's entries (stored again with a valid checksum, so that the
/// stack's own decoding sees it) must give a clean error or a stack that keeps working.
@Suite struct NetSnapshotMutationTests {
    /// The entries this image writes (connection records) and those images before it wrote.
    static let samples: [[SnapshotArea.Entry]] = [(try? SnapshotFixtures.savedEntries()) ?? [], SnapshotVersion1Fixture.entries]

    @Test(arguments: [0, 1])
    func randomDamageNeverCrashes(_ sample: Int) throws {
        let entries = Self.samples[sample]
        try #require(!entries.isEmpty)
        let area = SnapshotArea(size: 1 << 16)
        var random = SplitMix64(seed: 11)
        var failures = 0, restores = 0
        for _ in 0 ..< 5000 {
            var damaged = entries
            let index = Int(random.below(UInt64(damaged.count)))
            for _ in 0 ... random.below(3) {
                let position = Int(random.below(UInt64(damaged[index].bytes.count)))
                damaged[index].bytes[position] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            }
            if random.chance(10) { damaged[index].bytes.removeLast(Int(random.below(UInt64(damaged[index].bytes.count)))) }
            try area.store(damaged)
            let host = CapturedStack(configured: false)
            guard try area.restore(into: host.stack, now: host.now) == nil else {
                failures += 1
                continue
            }
            restores += 1
            // Whatever was accepted must survive the peer talking to it and every timer firing.
            host.deliverTCP(port: 80, seq: 1_000_001, ack: 0, flags: [.ack, .psh], payload: [1, 2, 3])
            host.deliverTCP(port: 80, seq: 1_000_000, flags: [.ack, .fin])
            for connection in host.stack.tcp.connections {
                _ = connection.readAll()
                connection.write([7, 7, 7])
            }
            host.advance(by: 600 * second)
        }
        #expect(failures > 100 && restores > 100)
    }
}

import Testing
import LiveUpdate
import Net

/// The stack-wide state in a snapshot, and how restoring treats damaged or foreign data.
@Suite struct NetSnapshotStackTests {
    @Test func interfaceConfigARPCacheListenersAndISNSecretSurvive() throws {
        let original = try SnapshotFixtures.peerWithData()
        let area = SnapshotArea(size: 1 << 16)
        try area.save(original.host.stack, now: original.host.now)
        let restored = CapturedStack(configured: false, seed: 2)      // another secret, same clock
        #expect(try area.restore(into: restored.stack, now: restored.now) == nil)
        #expect(restored.stack.config == original.host.stack.config)
        #expect(restored.stack.arpCacheEntry(for: CapturedStack.peerIP) == CapturedStack.peerMAC)
        #expect(restored.stack.tcp.listener(port: 80)?.backlog == 7)
        #expect(restored.stack.tcp.connections.map(\.id) == [try #require(original.connection).id])

        // A new connection gets its SYN-ACK at once (no ARP request) with the ISN the original
        // stack picks for the same 4-tuple at the same time; a stack with its own secret differs.
        let other = CapturedStack(seed: 2)
        other.learnPeer()
        _ = try other.stack.tcp.listen(port: 80)
        let replies = [original.host, restored, other].map {
            $0.deliverTCP(port: 80, peerPort: 40001, seq: 7000, flags: .syn, options: SnapshotFixtures.synOptions)
        }
        #expect(replies.allSatisfy { $0.count == 1 && $0[0].flags == [.syn, .ack] })
        #expect(replies[1][0].seq == replies[0][0].seq)
        #expect(replies[2][0].seq != replies[0][0].seq)
    }

    @Test func isnClockContinuesAcrossAClockRestart() throws {
        let original = try SnapshotFixtures.peerWithData()
        original.host.advance(by: 9 * second)                         // the old image ran 10 s
        let area = SnapshotArea(size: 1 << 16)
        try area.save(original.host.stack, now: original.host.now)
        let restored = CapturedStack(configured: false, seed: 2)      // the new image's clock reads 1 s
        #expect(try area.restore(into: restored.stack, now: restored.now) == nil)
        // 40 ms later on both clocks, both stacks pick the same ISN: the ISN clock (4 µs ticks)
        // went on from where the old image left it.
        original.host.now += 40 * ms
        restored.now += 40 * ms
        let replies = [original.host, restored].map {
            $0.deliverTCP(port: 80, peerPort: 40002, seq: 9000, flags: .syn, options: SnapshotFixtures.synOptions)
        }
        #expect(replies.allSatisfy { $0.count == 1 } && replies[0][0].seq == replies[1][0].seq)
    }

    @Test func laterFieldsAndEntriesAreSkipped() throws {
        var entries = try SnapshotFixtures.savedEntries()
        // A later writer appended 4 bytes to each record's fixed section and an entry of its own.
        for index in entries.indices {
            let length = Int(entries[index].bytes[2]) | Int(entries[index].bytes[3]) << 8
            entries[index].bytes.insert(contentsOf: [1, 2, 3, 4], at: 6 + length)
            entries[index].bytes[2] = UInt8((length + 4) & 0xFF)
            entries[index].bytes[3] = UInt8((length + 4) >> 8)
        }
        entries.append((try #require(EntryType.userDefined(2000)), [9, 9, 9]))
        let area = SnapshotArea(size: 1 << 16)
        try area.store(entries)
        let host = CapturedStack(configured: false)
        #expect(try area.restore(into: host.stack, now: host.now) == nil)
        let connection = try #require(host.stack.tcp.connections.first)
        #expect(connection.state == .established && connection.availableBytes == 3000)
        #expect(connection.unacknowledgedBytes == 2000)
    }

    /// Restores `entries` into a fresh unconfigured stack; returns the error's description.
    private func restoreError(_ entries: [SnapshotArea.Entry], parameters: NetworkParameters = NetworkParameters()) throws -> String? {
        let area = SnapshotArea(size: 1 << 16)
        try area.store(entries)
        let host = CapturedStack(parameters: parameters, configured: false)
        let failure = try area.restore(into: host.stack, now: host.now)
        if failure != nil {
            // Nothing of a failed restore stays behind.
            #expect(!host.stack.config.isConfigured && host.stack.tcp.connectionCount == 0)
            #expect(host.stack.tcp.listener(port: 80) == nil)
        }
        return failure.map { "\($0)" }
    }

    @Test func damagedRecordsGiveTypedErrors() throws {
        let entries = try SnapshotFixtures.savedEntries()
        let (stackRecord, connection) = (entries[0], entries[1])
        #expect(try restoreError(entries) == nil)
        // Section lengths as documented in docs/net.md: 52 bytes of stack fields, 164 per connection.
        #expect(stackRecord.bytes[0 ..< 6] == [1, 0, 52, 0, 0, 0] && connection.bytes[0 ..< 6] == [1, 0, 164, 0, 0, 0])
        #expect(connection.bytes.count == 170 + 4 + 3000 + 4 + 2000 + 4)

        #expect(try restoreError([(stackRecord.type, Array(stackRecord.bytes.prefix(10)))]) == "truncated(offset: 10)")
        #expect(try restoreError([connection]) == "missingStackRecord")
        var later = connection
        later.bytes[0] = 2
        #expect(try restoreError([stackRecord, later]) == "unsupportedVersion(2)")
        // The send window scale lies after the section header (6), the addresses (12), the
        // state (1), five sequence numbers (20), both windows (8) and SND.WL1/WL2 (8).
        var scaled = connection
        #expect(scaled.bytes[55] == 7)
        scaled.bytes[55] = 15
        #expect(try restoreError([stackRecord, scaled]) == "invalidValue(offset: 55)")
        var small = NetworkParameters()
        small.tcpReceiveBufferSize = 1000
        #expect(try restoreError([stackRecord, connection], parameters: small) == "bufferTooSmall(needed: 3000, configured: 1000)")
        #expect(try restoreError([stackRecord, connection, connection])?.hasPrefix("inconsistentConnection") == true)
        #expect(try restoreError([stackRecord, (connection.type, connection.bytes.dropLast(1).map { $0 })])?
            .hasPrefix("truncated") == true)
    }

    @Test func restoreNeedsAnEmptyStack() throws {
        let area = SnapshotArea(size: 1 << 16)
        try area.store(try SnapshotFixtures.savedEntries())
        let host = CapturedStack()
        _ = try host.stack.tcp.listen(port: 8080)
        let failure = try area.restore(into: host.stack, now: host.now)
        #expect(failure.map { "\($0)" } == "stackNotEmpty")
    }
}

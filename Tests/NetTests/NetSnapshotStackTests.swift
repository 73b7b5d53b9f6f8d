import Testing
import LiveUpdate
@testable import Net

/// The stack-wide state in a snapshot, and how restoring treats damaged or foreign data.
@Suite struct NetSnapshotStackTests {
    /// The connections' entry is written as it is sized, in one walk: one that does not fit is
    /// refused with the length it needed (a 160-byte record, 3,000 bytes unread and 2,000 sent,
    /// after the entry's 8-byte header), and the stack, untouched, saves into a larger area.
    @Test func connectionsThatDoNotFitAreRefusedWithTheirLength() throws {
        let peer = try SnapshotFixtures.peerWithData()
        let needed = ConnectionRecords.headerSize + ConnectionRecords.recordSize + 3000 + 2000
        do {
            try SnapshotArea(size: 4096).save(peer.host.stack, now: peer.host.now)
            Issue.record("a 4 KiB area held \(needed) bytes of connections")
        } catch let error as StorageError {
            if case .outOfSpace(let payload, _) = error { #expect(payload == needed) } else { Issue.record("\(error)") }
        }
        let area = SnapshotArea(size: 1 << 16)
        try area.save(peer.host.stack, now: peer.host.now)
        let restored = CapturedStack(configured: false)
        #expect(try area.restore(into: restored.stack, now: restored.now) == nil)
        #expect(restored.stack.tcp.connections.map(\.availableBytes) == [3000])
    }

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
        // A later writer appended 4 bytes to the stack record's section and to each connection
        // record's fixed part, and an entry of its own.
        let length = Int(entries[0].bytes[2]) | Int(entries[0].bytes[3]) << 8
        entries[0].bytes.insert(contentsOf: [1, 2, 3, 4], at: 6 + length)
        entries[0].bytes[2] = UInt8(length + 4)
        #expect(entries[1].bytes[0 ..< 8] == [2, 0, 160, 0, 1, 0, 0, 0])
        entries[1].bytes.insert(contentsOf: [1, 2, 3, 4], at: 8 + 160)
        entries[1].bytes[2] = 164
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
        let (stackRecord, connections) = (entries[0], entries[1])
        #expect(try restoreError(entries) == nil)
        // Sizes as documented in docs/net.md: 52 bytes of stack fields; an 8-byte header, then
        // per connection 160 bytes of fields and the queued bytes.
        #expect(stackRecord.bytes[0 ..< 6] == [1, 0, 52, 0, 0, 0])
        #expect(connections.bytes.count == 8 + 160 + 2000 + 3000)
        // The records are a BUFFER, which images before them skip (they read TCP entries).
        #expect(stackRecord.type == .buffer && connections.type == .buffer)

        #expect(try restoreError([(stackRecord.type, Array(stackRecord.bytes.prefix(10)))]) == "truncated(offset: 10)")
        #expect(try restoreError([(.tcp, connections.bytes)]) == "missingStackRecord")
        #expect(try restoreError([connections]) == "unsupportedVersion(2)")            // read as the stack record
        #expect(try restoreError([stackRecord, (.tcp, connections.bytes)]) == "unsupportedVersion(2)")
        var later = connections
        later.bytes[0] = 3
        #expect(try restoreError([stackRecord, later]) == "unsupportedVersion(3)")
        var shortRecords = connections
        shortRecords.bytes[2] = 159
        #expect(try restoreError([stackRecord, shortRecords]) == "invalidValue(offset: 2)")
        var scaled = connections
        #expect(scaled.bytes[8 + 13] == 7)                          // the send window scale
        scaled.bytes[8 + 13] = 15
        #expect(try restoreError([stackRecord, scaled]) == "invalidValue(offset: 21)")
        var flagged = connections
        flagged.bytes[8 + 17] |= 0x80                               // an unknown flag
        #expect(try restoreError([stackRecord, flagged]) == "invalidValue(offset: 24)")
        var forever = connections
        forever.bytes[8 + 128 + 7] = 0x7F                           // a retransmission timer 2^62 ns away
        #expect(try restoreError([stackRecord, forever]) == "invalidValue(offset: 136)")
        var small = NetworkParameters()
        small.tcpReceiveBufferSize = 1000
        #expect(try restoreError([stackRecord, connections], parameters: small) == "bufferTooSmall(needed: 3000, configured: 1000)")
        #expect(try restoreError([stackRecord, connections, connections])?.hasPrefix("inconsistentConnection") == true)
        var twice = connections
        twice.bytes[4] = 2
        twice.bytes += connections.bytes[8...]
        #expect(try restoreError([stackRecord, twice])?.hasPrefix("inconsistentConnection") == true)
        var extra = connections
        extra.bytes.append(0)
        #expect(try restoreError([stackRecord, extra]) == "invalidValue(offset: \(connections.bytes.count))")
        var tooMany = connections
        tooMany.bytes[4] = 2
        #expect(try restoreError([stackRecord, tooMany]) == "truncated(offset: \(connections.bytes.count))")
        #expect(try restoreError([stackRecord, (connections.type, connections.bytes.dropLast(1).map { $0 })])?
            .hasPrefix("truncated") == true)
    }

    /// What images before connection records wrote (`SnapshotVersion1Fixture`) still restores,
    /// and the connections go on.
    @Test func version1EntriesRestore() throws {
        #expect(try restoreError(SnapshotVersion1Fixture.entries) == nil)
        let area = SnapshotArea(size: 1 << 16)
        try area.store(SnapshotVersion1Fixture.entries)
        let host = CapturedStack(configured: false)
        #expect(try area.restore(into: host.stack, now: host.now) == nil)
        #expect(host.stack.tcp.listener(port: 80)?.backlog == 7 && host.stack.tcp.listener(port: 80)?.halfOpenCount == 1)
        let connections = host.stack.tcp.connections
        #expect(connections.map(\.state).sorted { $0.rawValue < $1.rawValue } == [.synReceived, .established])
        let established = try #require(connections.first { $0.state == .established })
        #expect(established.availableBytes == 300 && established.unacknowledgedBytes == 200)
        #expect(established.info.outOfOrderBytes == 5)
        // The peer fills the 50-byte hole: the held block joins the stream.
        host.deliverTCP(port: 80, peerPort: 40000, seq: 1_000_301, ack: established.info.sndUna.raw,
                        flags: [.ack, .psh], payload: [UInt8](repeating: 9, count: 50))
        #expect(established.availableBytes == 355)
        // Saved again, it is written as records and restores once more.
        try area.save(host.stack, now: host.now)
        let again = CapturedStack(configured: false)
        #expect(try area.restore(into: again.stack, now: again.now) == nil)
        #expect(again.stack.tcp.connectionCount == 2)
    }

    @Test func version1DamageGivesTypedErrors() throws {
        let stackRecord = SnapshotVersion1Fixture.entries[0]
        let connection: SnapshotArea.Entry = (.tcp, SnapshotVersion1Fixture.established)
        // Section lengths of version 1: 164 bytes per connection, then the queues and one block.
        #expect(connection.bytes[0 ..< 6] == [1, 0, 164, 0, 0, 0])
        #expect(connection.bytes.count == 170 + 4 + 200 + 4 + 300 + 4 + 4 + 4 + 5)
        var later = connection
        later.bytes[0] = 3
        #expect(try restoreError([stackRecord, later]) == "unsupportedVersion(3)")
        // The send window scale lies after the section header (6), the addresses (12), the
        // state (1), five sequence numbers (20), both windows (8) and SND.WL1/WL2 (8).
        var scaled = connection
        #expect(scaled.bytes[55] == 7)
        scaled.bytes[55] = 15
        #expect(try restoreError([stackRecord, scaled]) == "invalidValue(offset: 55)")
        var small = NetworkParameters()
        small.tcpReceiveBufferSize = 100
        #expect(try restoreError([stackRecord, connection], parameters: small) == "bufferTooSmall(needed: 300, configured: 100)")
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

import Testing
@testable import Net

/// A save copies a control block's fixed fields into the connection record as they lie in
/// memory (`TCPFixedFields`), so their layout is the record's, and their values stay in the
/// ranges a reader accepts.
@Suite struct ConnectionRecordLayoutTests {
    typealias Field = ConnectionRecords.Offset

    @Test func fixedFieldsLieAtTheRecordsOffsets() {
        let offsets: [(PartialKeyPath<TCPFixedFields>, Int)] = [
            (\.localIP, Field.localIP), (\.localPort, Field.localPort), (\.remoteIPLow, Field.remoteIP),
            (\.remoteIPHigh, Field.remoteIP + 2), (\.remotePort, Field.remotePort), (\.state, Field.state),
            (\.sndScale, Field.sndScale), (\.rcvScale, Field.rcvScale), (\.persistBackoff, Field.persistBackoff),
            (\.flags, Field.flags), (\.sndMSS, Field.sndMSS), (\.listenerPort, Field.listenerPort),
            (\.outOfOrderBlocks, Field.outOfOrderBlocks), (\.iss, Field.iss), (\.irs, Field.irs),
            (\.sndUna, Field.sndUna), (\.sndNxt, Field.sndNxt), (\.sndMax, Field.sndMax), (\.sndWl1, Field.sndWl1),
            (\.sndWl2, Field.sndWl2), (\.rcvNxt, Field.rcvNxt), (\.rcvAdvertisedEdge, Field.rcvAdvertisedEdge),
            (\.recover, Field.recover), (\.outOfOrderFIN, Field.outOfOrderFIN), (\.sndWnd, Field.sndWnd),
            (\.maxSndWnd, Field.maxSndWnd), (\.cwnd, Field.cwnd), (\.ssthresh, Field.ssthresh),
            (\.retransmissions, Field.retransmissions), (\.duplicateACKs, Field.duplicateACKs),
            (\.unackedSegments, Field.unackedSegments), (\.sendQueue, Field.sendQueue),
            (\.receiveQueue, Field.receiveQueue), (\.srtt, Field.srtt), (\.rttvar, Field.rttvar), (\.rto, Field.rto),
        ]
        for (path, offset) in offsets {
            #expect(MemoryLayout<TCPFixedFields>.offset(of: path) == offset, "\(path)")
        }
        // The deadlines follow, written one by one (as time left).
        #expect(MemoryLayout<TCPFixedFields>.size == Field.retransmitDeadline)
    }

    @Test func settersKeepValuesWhereAReaderAcceptsThem() {
        var tcb = TCPControlBlock(state: .established, local: SocketAddress(IPv4Address(10, 0, 0, 1), 80),
                                  remote: SocketAddress(IPv4Address(192, 168, 7, 9), 40_000), iss: SeqNum(5), mss: 1460,
                                  rcvScale: 7, sendBufferSize: 4096, receiveBufferSize: 4096, initialRTO: 1_000_000)
        #expect(tcb.remote == SocketAddress(IPv4Address(192, 168, 7, 9), 40_000))
        tcb.cwnd = 0
        tcb.sndWnd = Int.max
        tcb.ssthresh = -5
        tcb.duplicateACKs = Int.max
        tcb.persistBackoff = 1000
        tcb.sndMSS = 0
        tcb.rto = 0
        tcb.srtt = .max
        tcb.sndScale = 200
        #expect(tcb.cwnd == 1 && tcb.sndWnd == TCPControlBlock.maximumWindow && tcb.ssthresh == 1)
        #expect(tcb.duplicateACKs == SnapshotLimits.maximumInt && tcb.persistBackoff == TCPControlBlock.maximumPersistBackoff)
        #expect(tcb.sndMSS == 1 && tcb.rto == 1 && tcb.srtt == SnapshotLimits.maximumDelay)
        #expect(tcb.sndScale == TCPOptions.maximumWindowScale)
        tcb.outOfOrderFIN = SeqNum(77)
        #expect(tcb.outOfOrderFIN == SeqNum(77) && tcb.fixed.flags == ConnectionRecords.Flag.hasOutOfOrderFIN)
        tcb.outOfOrderFIN = nil
        #expect(tcb.outOfOrderFIN == nil && tcb.fixed.flags == 0 && tcb.fixed.outOfOrderFIN == SeqNum(0))
    }

    /// Extremes a connection can reach are saved as they are and read back.
    @Test func extremeValuesSurviveASaveAndRestore() throws {
        let peer = try SnapshotFixtures.peerWithData()
        let connection = try #require(peer.connection)
        connection.tcb.cwnd = TCPControlBlock.maximumCongestionWindow + 1
        connection.tcb.ssthresh = Int.max
        connection.tcb.persistBackoff = 65
        connection.tcb.rttvar = .max
        let area = SnapshotArea(size: 1 << 16)
        try area.save(peer.host.stack, now: peer.host.now)
        let fresh = CapturedStack(parameters: peer.host.stack.parameters, configured: false)
        #expect(try area.restore(into: fresh.stack, now: fresh.now) == nil)
        let restored = try #require(fresh.stack.tcp.connections.first)
        #expect(restored.tcb.cwnd == TCPControlBlock.maximumCongestionWindow && restored.tcb.ssthresh == SnapshotLimits.maximumInt)
        #expect(restored.tcb.persistBackoff == TCPControlBlock.maximumPersistBackoff)
        #expect(restored.tcb.rttvar == SnapshotLimits.maximumDelay)
        #expect(restored.tcb.remote == connection.tcb.remote && restored.tcb.sndUna == connection.tcb.sndUna)
    }
}

import TestSupport
import Testing
import Net

/// Byte-level behaviour of an established connection against a hand-driven peer.
@Suite struct TCPSegmentRulesTests {
    @Test func dataIsDeliveredAndAckedWithDelay() throws {
        let peer = TCPPeer()
        try peer.establish()
        var readable = 0
        peer.connection?.onReadable = { readable += 1 }              // no read, so no window update
        let immediate = peer.sendData(Array("one".utf8))
        #expect(immediate.isEmpty)                                   // ACK is delayed
        #expect(readable == 1 && peer.connection?.availableBytes == 3)
        let delayed = peer.host.advance(by: 40 * ms)
        #expect(delayed.count == 1 && delayed[0].flags == .ack && delayed[0].ack == peer.seq)
        // Two full segments are acknowledged at once.
        let full = [UInt8](repeating: 7, count: 1460)
        #expect(peer.sendData(full).isEmpty)
        let second = peer.sendData(full)
        #expect(second.count == 1 && second[0].ack == peer.seq)
    }

    @Test func nagleHoldsShortSegmentsWhileDataIsInFlight() throws {
        for noDelay in [false, true] {
            let peer = TCPPeer()
            try peer.establish()
            let connection = try #require(peer.connection)
            connection.noDelay = noDelay
            peer.host.output.removeAll()
            connection.write(Array("first".utf8))
            connection.write(Array("second".utf8))
            connection.write(Array("third".utf8))
            let sent = peer.host.output.map(Decoded.init)
            #expect(sent.map(\.tcpPayload.count) == (noDelay ? [5, 6, 5] : [5]))
            guard !noDelay else { continue }
            // The ACK releases everything held back, coalesced into one segment.
            let released = peer.send(flags: .ack, ack: peer.stackSeq + 5)
            #expect(released.map(\.tcpPayload) == [Array("secondthird".utf8)])
        }
    }

    @Test func outOfOrderSegmentsAreReassembled() throws {
        let peer = TCPPeer()
        try peer.establish()
        let base = peer.seq
        let stream = (0 ..< 3000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        // Third piece, then second, then first.
        let third = peer.send(flags: .ack, seq: base + 2000, payload: Array(stream[2000...]))
        #expect(third.count == 1 && third[0].ack == base)             // duplicate ACK for the hole
        #expect(peer.connection?.info.outOfOrderBytes == 1000)
        let second = peer.send(flags: .ack, seq: base + 1000, payload: Array(stream[1000 ..< 2000]))
        #expect(second.count == 1 && second[0].ack == base)
        #expect(peer.received.isEmpty)
        let first = peer.send(flags: .ack, seq: base, payload: Array(stream[..<1000]))
        #expect(first.count == 1 && first[0].ack == base + 3000)      // hole filled: immediate ACK
        #expect(peer.received == stream)
        #expect(peer.connection?.info.outOfOrderBytes == 0)
    }

    @Test func overlappingSegmentsKeepTheStreamIntact() throws {
        let peer = TCPPeer()
        try peer.establish()
        let base = peer.seq
        let stream = (0 ..< 100).map { UInt8($0) }
        func piece(_ range: Range<Int>) { peer.send(flags: .ack, seq: base + UInt32(range.lowerBound), payload: Array(stream[range])) }
        piece(40 ..< 60)
        piece(50 ..< 80)
        piece(30 ..< 45)
        piece(70 ..< 100)
        piece(0 ..< 10)
        piece(5 ..< 35)
        piece(0 ..< 20)                                              // pure duplicate
        #expect(peer.received == stream)
        #expect(peer.connection?.info.rcvNxt == SeqNum(base + 100))
    }

    @Test func outOfWindowDataIsTrimmedNotStored() throws {
        var parameters = NetworkParameters()
        parameters.tcpReceiveBufferSize = 1000
        let peer = TCPPeer(parameters: parameters)
        try peer.establish()
        let replies = peer.sendData([UInt8](repeating: 1, count: 1400))
        #expect(peer.received.count == 1000)
        #expect(replies.last?.ack == peer.seq - 400)
    }

    @Test func inWindowResetGetsChallengeAck() throws {
        let peer = TCPPeer()
        try peer.establish()
        let challenge = peer.send(flags: .rst, seq: peer.seq + 100)
        #expect(challenge.count == 1 && challenge[0].flags == .ack)
        #expect(challenge[0].seq == peer.stackSeq && challenge[0].ack == peer.seq)
        #expect(peer.connection?.state == .established)
        #expect(peer.host.stack.stats.challengeACKsSent == 1)
        // Outside the window: silently dropped.
        #expect(peer.send(flags: .rst, seq: peer.seq &- 5000).isEmpty)
        #expect(peer.connection?.state == .established)
        // Exact RCV.NXT: the connection is reset.
        #expect(peer.send(flags: .rst, seq: peer.seq).isEmpty)
        #expect(peer.closeReason == .reset)
        #expect(peer.host.stack.tcp.connectionCount == 0)
    }

    @Test func synOnEstablishedConnectionGetsChallengeAck() throws {
        let peer = TCPPeer()
        try peer.establish()
        let challenge = peer.send(flags: .syn, seq: peer.seq + 10)
        #expect(challenge.count == 1 && challenge[0].flags == .ack && challenge[0].ack == peer.seq)
        #expect(peer.connection?.state == .established)
    }

    @Test func ackRules() throws {
        let peer = TCPPeer()
        try peer.establish()
        // ACK of data never sent: answered with an ACK, ignored.
        let future = peer.send(flags: .ack, ack: peer.stackSeq + 5000, payload: [1, 2, 3])
        #expect(future.count == 1 && future[0].ack == peer.seq)
        #expect(peer.received.isEmpty)
        // ACK far below SND.UNA - MAX.SND.WND: challenge ACK (RFC 5961 section 5.2).
        let ancient = peer.send(flags: .ack, ack: peer.stackSeq &- 0x4000_0000, payload: [1])
        #expect(ancient.count == 1 && peer.host.stack.stats.challengeACKsSent == 1)
        // Segments without ACK are dropped.
        #expect(peer.send(flags: [], payload: [9]).isEmpty)
        #expect(peer.received.isEmpty)
    }

    @Test func challengeAcksAreRateLimited() throws {
        var parameters = NetworkParameters()
        parameters.tcpChallengeACKsPerSecond = 5
        let peer = TCPPeer(parameters: parameters)
        try peer.establish()
        var answered = 0
        for offset in 1 ... 20 { answered += peer.send(flags: .rst, seq: peer.seq + UInt32(offset)).count }
        #expect(answered == 5)
        peer.host.advance(by: 1 * second)
        #expect(peer.send(flags: .rst, seq: peer.seq + 1).count == 1)
    }

    @Test func badOptionsAndHeadersAreDropped() throws {
        let peer = TCPPeer()
        _ = try peer.host.stack.tcp.listen(port: 80)
        let stats = { peer.host.stack.stats }
        #expect(peer.host.deliverTCP(port: 80, seq: 1, flags: .syn, options: [2, 0, 0, 0]).isEmpty)      // length 0
        #expect(peer.host.deliverTCP(port: 80, seq: 1, flags: .syn, options: [1, 1, 2, 9]).isEmpty)      // overruns
        #expect(peer.host.deliverTCP(port: 80, seq: 1, flags: .syn, options: [2, 3, 1, 0]).isEmpty)      // bad MSS length
        #expect(peer.host.deliverTCP(port: 80, seq: 1, flags: .syn, options: [1, 1, 1, 3]).isEmpty)      // kind without length
        #expect(stats()[.badOptions] == 4)
        var segment = Frames.tcp(from: SocketAddress(CapturedStack.peerIP, 1), to: SocketAddress(CapturedStack.ip, 80),
                                 seq: 1, flags: .syn)
        segment[12] = 0x40                                                                             // data offset 16 bytes
        _ = peer.host.deliverIP(proto: 6, segment)
        segment[12] = 0xF0                                                                             // beyond the segment
        _ = peer.host.deliverIP(proto: 6, segment)
        #expect(stats()[.badHeaderLength] == 2)
        var corrupt = Frames.tcp(from: SocketAddress(CapturedStack.peerIP, 1), to: SocketAddress(CapturedStack.ip, 80),
                                 seq: 1, flags: .syn, payload: [1, 2, 3])
        corrupt[21] ^= 0x40
        _ = peer.host.deliverIP(proto: 6, corrupt)
        _ = peer.host.deliverIP(proto: 6, [0, 80, 0, 1])
        #expect(stats()[.badChecksum] == 1 && stats()[.truncated] == 1)
        // Unknown options are skipped and an oversized window scale is accepted (clamped to 14).
        let synAck = peer.host.deliverTCP(port: 80, seq: 1, flags: .syn, options: [8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 3, 3, 20, 0, 0, 0])
        #expect(synAck.count == 1)
        #expect(peer.host.stack.tcp.connectionCount == 1)
    }
}

@Suite struct TCPReassemblyLimitTests {
    @Test func scatteredTinySegmentsAreCapped() throws {
        let peer = TCPPeer()
        try peer.establish()
        let base = peer.seq
        let stream = (0 ..< 1000).map { UInt8(truncatingIfNeeded: $0 * 13) }
        // Every other byte after a hole at 0: 499 one-byte blocks would be needed.
        for offset in stride(from: 2, to: 1000, by: 2) {
            peer.send(flags: .ack, seq: base + UInt32(offset), payload: [stream[offset]])
        }
        let held = try #require(peer.connection?.info.outOfOrderBytes)
        #expect(held == 128)
        #expect(peer.host.stack.stats[.unacceptableSegment] == 499 - 128)
        // Adjacent arrivals extend a block instead of adding one.
        peer.send(flags: .ack, seq: base + 3, payload: [stream[3]])
        #expect(peer.connection?.info.outOfOrderBytes == 129)
        // The sender retransmits everything in order; the stream is complete and correct.
        peer.send(flags: .ack, seq: base, payload: stream)
        #expect(peer.received == stream)
    }

    @Test func abortInsideOnReadableStopsProcessing() throws {
        let peer = TCPPeer()
        try peer.establish()
        let connection = try #require(peer.connection)
        connection.onReadable = { connection.abort() }
        let replies = peer.sendData(Array("data and fin".utf8), flags: [.ack, .fin])
        #expect(replies.count == 1 && replies[0].flags == .rst)
        #expect(peer.closeReason == .aborted && connection.state == .closed)
    }
}

@Suite struct TCPFuzzTests {
    /// Valid checksums, random header fields near the live sequence space: exercises every
    /// branch of segment processing without ever crashing.
    @Test(arguments: [UInt64(11), 12, 13])
    func randomSegmentsAgainstLiveConnections(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0 ..< 20 {
            let peer = TCPPeer()
            try peer.establish()
            peer.connection?.write([UInt8](repeating: 1, count: Int(random.below(5000))))
            for _ in 0 ..< 300 {
                let flags = TCPFlags(rawValue: UInt8(truncatingIfNeeded: random.next()) & 0x1F)
                let seq = peer.seq &+ UInt32(truncatingIfNeeded: Int64(random.below(200_000)) - 100_000)
                let ack = peer.stackSeq &+ UInt32(truncatingIfNeeded: Int64(random.below(20_000)) - 10_000)
                let payload = [UInt8](repeating: 7, count: Int(random.below(3)) == 0 ? Int(random.below(1400)) : 0)
                var options = (0 ..< Int(random.below(3)) * 4).map { _ in UInt8(truncatingIfNeeded: random.below(6)) }
                if random.chance(10) { options = [2, 4, 0, 0] }                    // MSS 0
                peer.send(flags: flags, seq: seq, ack: ack, window: UInt16(truncatingIfNeeded: random.next()),
                          payload: payload, options: options)
                if random.chance(5) { peer.host.advance(by: random.below(3 * second)) }
                if random.chance(2) { _ = peer.connection?.readAll() }
            }
            peer.host.advance(by: 600 * second)
            #expect(peer.host.stack.tcp.connectionCount <= 1)
            if peer.host.stack.tcp.connectionCount == 0 { #expect(peer.closeReason != nil) }
        }
    }
}

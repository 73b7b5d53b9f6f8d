import LiveUpdate

/// A connection as a version-2 record (`ConnectionRecords`): the fixed fields, then the send
/// queue (from SND.UNA), the receive queue and the out-of-order blocks. Reading checks what
/// the version-1 reader checks, with the same errors.
extension TCPConnection {
    private typealias Field = ConnectionRecords.Offset
    private typealias Flag = ConnectionRecords.Flag

    /// The bytes `writeRecord` writes.
    var recordByteCount: Int {
        var count = ConnectionRecords.recordSize + tcb.sendQueue.count + tcb.receiveQueue.count
        for block in tcb.outOfOrder.blocks { count += ConnectionRecords.blockHeaderSize + block.bytes.count }
        return count
    }

    /// Writes the record (`recordByteCount` bytes) at `record`. Values are clamped into the ranges
    /// the reader accepts, so that whatever is written reads back. The RTT sample in progress is
    /// not kept: the update's pause would distort it.
    func writeRecord(at record: UnsafeMutableRawPointer, now: UInt64) {
        let maximumScale = TCPOptions.maximumWindowScale
        record.storeLE(tcb.local.ip.raw, at: Field.localIP)
        record.storeLE(tcb.local.port, at: Field.localPort)
        record.storeLE(tcb.remote.ip.raw, at: Field.remoteIP)
        record.storeLE(tcb.remote.port, at: Field.remotePort)
        record.storeLE(min(tcb.state.rawValue, TCPState.timeWait.rawValue), at: Field.state)
        record.storeLE(min(tcb.sndScale, maximumScale), at: Field.sndScale)
        record.storeLE(min(tcb.rcvScale, maximumScale), at: Field.rcvScale)
        record.storeLE(UInt8(Self.clamped(tcb.persistBackoff, 0 ... Self.maximumPersistBackoff)), at: Field.persistBackoff)
        record.storeLE(flags, at: Field.flags)
        record.storeLE(UInt16(Self.clamped(tcb.sndMSS, 1 ... 65535)), at: Field.sndMSS)
        record.storeLE(listener?.port ?? 0, at: Field.listenerPort)
        record.storeLE(UInt16(tcb.outOfOrder.blocks.count), at: Field.outOfOrderBlocks)
        record.storeLE(tcb.iss.raw, at: Field.iss)
        record.storeLE(tcb.irs.raw, at: Field.irs)
        record.storeLE(tcb.sndUna.raw, at: Field.sndUna)
        record.storeLE(tcb.sndNxt.raw, at: Field.sndNxt)
        record.storeLE(tcb.sndMax.raw, at: Field.sndMax)
        record.storeLE(tcb.sndWl1.raw, at: Field.sndWl1)
        record.storeLE(tcb.sndWl2.raw, at: Field.sndWl2)
        record.storeLE(tcb.rcvNxt.raw, at: Field.rcvNxt)
        record.storeLE(tcb.rcvAdvertisedEdge.raw, at: Field.rcvAdvertisedEdge)
        record.storeLE(tcb.recover.raw, at: Field.recover)
        record.storeLE(tcb.outOfOrderFIN?.raw ?? 0, at: Field.outOfOrderFIN)
        let anyInt = 0 ... SnapshotLimits.maximumInt
        Self.store(tcb.sndWnd, 0 ... Self.maximumWindow, at: Field.sndWnd, in: record)
        Self.store(tcb.maxSndWnd, 0 ... Self.maximumWindow, at: Field.maxSndWnd, in: record)
        Self.store(tcb.cwnd, 1 ... TCPControlBlock.maximumCongestionWindow, at: Field.cwnd, in: record)
        Self.store(tcb.ssthresh, 1 ... SnapshotLimits.maximumInt, at: Field.ssthresh, in: record)
        Self.store(tcb.retransmissions, anyInt, at: Field.retransmissions, in: record)
        Self.store(tcb.duplicateACKs, anyInt, at: Field.duplicateACKs, in: record)
        Self.store(tcb.unackedSegments, anyInt, at: Field.unackedSegments, in: record)
        Self.store(tcb.sendQueue.count, anyInt, at: Field.sendQueue, in: record)
        Self.store(tcb.receiveQueue.count, anyInt, at: Field.receiveQueue, in: record)
        record.storeLE(min(tcb.srtt, SnapshotLimits.maximumDelay), at: Field.srtt)
        record.storeLE(min(tcb.rttvar, SnapshotLimits.maximumDelay), at: Field.rttvar)
        record.storeLE(min(max(tcb.rto, 1), SnapshotLimits.maximumDelay), at: Field.rto)
        record.storeLE(SnapshotLimits.timeLeft(tcb.retransmitDeadline, now: now), at: Field.retransmitDeadline)
        record.storeLE(SnapshotLimits.timeLeft(tcb.persistDeadline, now: now), at: Field.persistDeadline)
        record.storeLE(SnapshotLimits.timeLeft(tcb.delayedACKDeadline, now: now), at: Field.delayedACKDeadline)
        record.storeLE(SnapshotLimits.timeLeft(tcb.timeWaitDeadline, now: now), at: Field.timeWaitDeadline)

        var position = ConnectionRecords.recordSize
        position += tcb.sendQueue.copyAll(into: record + position)
        position += tcb.receiveQueue.copyAll(into: record + position)
        for block in tcb.outOfOrder.blocks {
            record.storeLE(block.seq.raw, at: position)
            record.storeLE(UInt32(block.bytes.count), at: position + 4)
            block.bytes.withUnsafeBytes { (record + position + 8).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            position += ConnectionRecords.blockHeaderSize + block.bytes.count
        }
    }

    /// Each flag from its own bit arithmetic: as a chain of `condition ? flag : 0` the compiler
    /// built a branch tree over the first few (about 15 instructions more per saved connection).
    @inline(__always)
    private var flags: UInt16 {
        Self.bit(tcb.finQueued, Flag.finQueued) | Self.bit(tcb.finAcked, Flag.finAcked) | Self.bit(tcb.finReceived, Flag.finReceived)
            | Self.bit(tcb.noDelay, Flag.noDelay) | Self.bit(tcb.inFastRecovery, Flag.inFastRecovery) | Self.bit(tcb.ackNow, Flag.ackNow)
            | Self.bit(isUserVisible, Flag.userVisible) | Self.bit(closeReported, Flag.closeReported)
            | Self.bit(writeBlocked, Flag.writeBlocked) | Self.bit(listener != nil, Flag.hasListener)
            | Self.bit(tcb.outOfOrderFIN != nil, Flag.hasOutOfOrderFIN)
    }

    @inline(__always)
    private static func bit(_ isSet: Bool, _ flag: UInt16) -> UInt16 { UInt16(isSet ? 1 : 0) &* flag }

    /// A connection read from the record that starts at `start` in a version-2 `entry` and has
    /// `recordSize` fixed bytes (a later writer's fields beyond ours are skipped), sized by
    /// `stack`'s parameters. Returns it with the offset where the next record starts.
    @inline(never)
    static func restored(
        record entry: UnsafeRawBufferPointer, at start: Int, recordSize: Int, into stack: NetworkStack, _ defaults: RestoreDefaults
    ) throws(NetSnapshotError) -> (connection: TCPConnection, end: Int) {
        guard entry.count - start >= recordSize else { throw .truncated(offset: entry.count) }
        let record = RecordReader(base: entry.baseAddress! + start, start: start)
        let connection = TCPConnection.blank(in: stack, defaults)
        let flags = try record.value(Field.flags, in: 0 ... Flag.known)
        var position = start + recordSize
        // One access to `tcb` for all its fields, in place: the control block is too large to copy.
        try Self.read(record, flags: flags, into: &connection.tcb, now: stack.now, queuesFrom: entry, at: &position)
        connection.isUserVisible = flags & Flag.userVisible != 0
        connection.closeReported = flags & Flag.closeReported != 0
        connection.writeBlocked = flags & Flag.writeBlocked != 0
        for _ in 0 ..< Int(record.value(Field.outOfOrderBlocks, as: UInt16.self)) {
            guard entry.count - position >= ConnectionRecords.blockHeaderSize else { throw .truncated(offset: entry.count) }
            let seq = SeqNum(entry.baseAddress!.loadLE(at: position, as: UInt32.self))
            let length = entry.baseAddress!.loadLE(at: position + 4, as: UInt32.self)
            position += ConnectionRecords.blockHeaderSize
            try connection.hold(seq: seq, bytes: RecordReader.bytes(entry, at: &position, count: length))
        }
        let listenerPort: UInt16? = flags & Flag.hasListener != 0 ? record.value(Field.listenerPort) : nil
        try connection.adopt(listenerPort: listenerPort, defaults)
        return (connection, position)
    }

    /// The control block's fields from `record`, and the queues that follow it at `position`
    /// in `entry`.
    private static func read(
        _ record: RecordReader, flags: UInt16, into tcb: inout TCPControlBlock, now: UInt64,
        queuesFrom entry: UnsafeRawBufferPointer, at position: inout Int
    ) throws(NetSnapshotError) {
        let maximumScale = TCPOptions.maximumWindowScale
        let state = try record.value(Field.state, in: TCPState.synSent.rawValue ... TCPState.timeWait.rawValue)
        tcb.state = TCPState(rawValue: state) ?? .closed
        tcb.local = SocketAddress(IPv4Address(raw: record.value(Field.localIP)), record.value(Field.localPort))
        tcb.remote = SocketAddress(IPv4Address(raw: record.value(Field.remoteIP)), record.value(Field.remotePort))
        tcb.sndMSS = Int(try record.value(Field.sndMSS, in: UInt16(1) ... .max))
        tcb.sndScale = try record.value(Field.sndScale, in: 0 ... maximumScale)
        tcb.rcvScale = try record.value(Field.rcvScale, in: 0 ... maximumScale)
        tcb.iss = record.seq(Field.iss)
        tcb.irs = record.seq(Field.irs)
        tcb.sndUna = record.seq(Field.sndUna)
        tcb.sndNxt = record.seq(Field.sndNxt)
        tcb.sndMax = record.seq(Field.sndMax)
        tcb.sndWl1 = record.seq(Field.sndWl1)
        tcb.sndWl2 = record.seq(Field.sndWl2)
        tcb.rcvNxt = record.seq(Field.rcvNxt)
        tcb.rcvAdvertisedEdge = record.seq(Field.rcvAdvertisedEdge)
        tcb.recover = record.seq(Field.recover)
        tcb.outOfOrderFIN = flags & Flag.hasOutOfOrderFIN != 0 ? record.seq(Field.outOfOrderFIN) : nil
        tcb.persistBackoff = Int(try record.value(Field.persistBackoff, in: 0 ... UInt8(Self.maximumPersistBackoff)))
        tcb.sndWnd = try record.int(Field.sndWnd, in: 0 ... Self.maximumWindow)
        tcb.maxSndWnd = try record.int(Field.maxSndWnd, in: 0 ... Self.maximumWindow)
        tcb.cwnd = try record.int(Field.cwnd, in: 1 ... TCPControlBlock.maximumCongestionWindow)
        tcb.ssthresh = try record.int(Field.ssthresh, in: 1 ... SnapshotLimits.maximumInt)
        tcb.retransmissions = try record.int(Field.retransmissions, in: 0 ... SnapshotLimits.maximumInt)
        tcb.duplicateACKs = try record.int(Field.duplicateACKs, in: 0 ... SnapshotLimits.maximumInt)
        tcb.unackedSegments = try record.int(Field.unackedSegments, in: 0 ... SnapshotLimits.maximumInt)
        tcb.srtt = try record.value(Field.srtt, in: 0 ... SnapshotLimits.maximumDelay)
        tcb.rttvar = try record.value(Field.rttvar, in: 0 ... SnapshotLimits.maximumDelay)
        tcb.retransmitDeadline = try record.deadline(Field.retransmitDeadline, now: now)
        tcb.persistDeadline = try record.deadline(Field.persistDeadline, now: now)
        tcb.delayedACKDeadline = try record.deadline(Field.delayedACKDeadline, now: now)
        tcb.timeWaitDeadline = try record.deadline(Field.timeWaitDeadline, now: now)
        tcb.finQueued = flags & Flag.finQueued != 0
        tcb.finAcked = flags & Flag.finAcked != 0
        tcb.finReceived = flags & Flag.finReceived != 0
        tcb.noDelay = flags & Flag.noDelay != 0
        tcb.inFastRecovery = flags & Flag.inFastRecovery != 0
        tcb.ackNow = flags & Flag.ackNow != 0
        tcb.rto = try record.value(Field.rto, in: 1 ... SnapshotLimits.maximumDelay)
        // Idle connections keep the empty rings they have.
        let sendCount: UInt32 = record.value(Field.sendQueue), receiveCount: UInt32 = record.value(Field.receiveQueue)
        if sendCount > 0 { tcb.sendQueue = try queue(entry, at: &position, count: sendCount, limit: tcb.sendQueue.limit) }
        if receiveCount > 0 { tcb.receiveQueue = try queue(entry, at: &position, count: receiveCount, limit: tcb.receiveQueue.limit) }
    }

    static let maximumWindow = 65535 << Int(TCPOptions.maximumWindowScale)
    /// The backed-off persist interval is capped long before this many doublings.
    static let maximumPersistBackoff = 64

    @inline(__always)
    private static func clamped(_ value: Int, _ range: ClosedRange<Int>) -> Int {
        min(max(value, range.lowerBound), range.upperBound)
    }

    @inline(__always)
    private static func store(_ value: Int, _ range: ClosedRange<Int>, at offset: Int, in record: UnsafeMutableRawPointer) {
        record.storeLE(UInt32(clamped(value, range)), at: offset)
    }

    /// A queue of `count` bytes at `position`, refused when it does not fit `limit`.
    private static func queue(
        _ entry: UnsafeRawBufferPointer, at position: inout Int, count: UInt32, limit: Int
    ) throws(NetSnapshotError) -> ByteRing {
        let queued = try RecordReader.bytes(entry, at: &position, count: count)
        guard queued.count <= limit else { throw .bufferTooSmall(needed: queued.count, configured: limit) }
        return ByteRing(limit: limit, contents: queued)
    }
}

/// Reads a record's fields at their offsets; a value out of its range is `invalidValue` at
/// the field's offset in the entry. The caller checked that the fixed part lies in the entry.
private struct RecordReader {
    let base: UnsafeRawPointer
    /// Where the record starts in the entry.
    let start: Int

    @inline(__always)
    func value<T: FixedWidthInteger & UnsignedInteger>(_ offset: Int, as type: T.Type = T.self) -> T {
        base.loadLE(at: offset, as: T.self)
    }

    @inline(__always)
    func value<T: FixedWidthInteger & UnsignedInteger>(_ offset: Int, in range: ClosedRange<T>) throws(NetSnapshotError) -> T {
        let stored = base.loadLE(at: offset, as: T.self)
        guard range.contains(stored) else { throw .invalidValue(offset: start + offset) }
        return stored
    }

    /// A `UInt32` field as an `Int` in `range` (which fits 32-bit targets' `Int`).
    @inline(__always)
    func int(_ offset: Int, in range: ClosedRange<Int>) throws(NetSnapshotError) -> Int {
        let stored = base.loadLE(at: offset, as: UInt32.self)
        guard UInt64(stored) <= UInt64(range.upperBound), Int(stored) >= range.lowerBound else {
            throw .invalidValue(offset: start + offset)
        }
        return Int(stored)
    }

    @inline(__always)
    func seq(_ offset: Int) -> SeqNum { SeqNum(base.loadLE(at: offset, as: UInt32.self)) }

    /// A time left (`UInt64.max`: none) as a deadline after `now`.
    @inline(__always)
    func deadline(_ offset: Int, now: UInt64) throws(NetSnapshotError) -> UInt64? {
        let stored = base.loadLE(at: offset, as: UInt64.self)
        if stored == .max { return nil }
        guard stored <= SnapshotLimits.maximumDelay else { throw .invalidValue(offset: start + offset) }
        return now &+ stored
    }

    /// The `count` bytes at `position` in `entry`, moving `position` past them.
    static func bytes(_ entry: UnsafeRawBufferPointer, at position: inout Int, count: UInt32) throws(NetSnapshotError) -> UnsafeRawBufferPointer {
        guard UInt64(count) <= UInt64(entry.count - position) else { throw .truncated(offset: entry.count) }
        defer { position += Int(count) }
        return UnsafeRawBufferPointer(rebasing: entry[position ..< position + Int(count)])
    }
}

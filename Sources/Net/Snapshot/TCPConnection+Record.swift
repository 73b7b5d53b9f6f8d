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

    /// Writes the record (`recordByteCount` bytes) at `record`: the control block's fixed fields
    /// copied whole (their setters keep them in the ranges the reader accepts), then what the
    /// record holds in another form. The RTT sample in progress is not kept: the update's
    /// pause would distort it.
    func writeRecord(at record: UnsafeMutableRawPointer, now: UInt64) {
        record.storeBytes(of: tcb.fixed, as: TCPFixedFields.self)
        record.storeLE(min(tcb.state.rawValue, TCPState.timeWait.rawValue), at: Field.state)
        record.storeLE(tcb.fixed.flags & TCPFixedFields.controlBlockFlags | connectionFlags, at: Field.flags)
        record.storeLE(listener?.port ?? 0, at: Field.listenerPort)
        record.storeLE(UInt16(tcb.outOfOrder.blocks.count), at: Field.outOfOrderBlocks)
        record.storeLE(UInt32(tcb.sendQueue.count), at: Field.sendQueue)
        record.storeLE(UInt32(tcb.receiveQueue.count), at: Field.receiveQueue)
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

    /// The connection's bits of the record's flags (the control block keeps its own in
    /// `fixed`). Bit arithmetic: as a chain of `condition ? flag : 0` the compiler built a
    /// branch tree.
    @inline(__always)
    private var connectionFlags: UInt16 {
        Self.bit(isUserVisible, Flag.userVisible) | Self.bit(closeReported, Flag.closeReported)
            | Self.bit(writeBlocked, Flag.writeBlocked) | Self.bit(listener != nil, Flag.hasListener)
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
        try record.checkFixedFields()
        let flags: UInt16 = record.value(Field.flags)
        let connection = TCPConnection.blank(in: stack, defaults)
        var position = start + recordSize
        // One access to `tcb` for all its fields, in place: the control block is too large to copy.
        try Self.read(record, into: &connection.tcb, now: stack.now, queuesFrom: entry, at: &position)
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

    /// The control block's fields from `record` (checked), and the queues that follow it at
    /// `position` in `entry`.
    private static func read(
        _ record: RecordReader, into tcb: inout TCPControlBlock, now: UInt64,
        queuesFrom entry: UnsafeRawBufferPointer, at position: inout Int
    ) throws(NetSnapshotError) {
        // Copied whole, in place, by a call: through a temporary the compiler copied the
        // bytes twice, and inline it copies with `rep movsb`, an instruction per byte under
        // icount; the memmove routine moves eight bytes an instruction.
        withUnsafeMutableBytes(of: &tcb.fixed) { $0.copyMemory(from: UnsafeRawBufferPointer(start: record.base, count: $0.count)) }
        tcb.state = TCPState(rawValue: record.value(Field.state)) ?? .closed
        tcb.retransmitDeadline = try record.deadline(Field.retransmitDeadline, now: now)
        tcb.persistDeadline = try record.deadline(Field.persistDeadline, now: now)
        tcb.delayedACKDeadline = try record.deadline(Field.delayedACKDeadline, now: now)
        tcb.timeWaitDeadline = try record.deadline(Field.timeWaitDeadline, now: now)
        // Idle connections keep the empty rings they have.
        let sendCount: UInt32 = record.value(Field.sendQueue), receiveCount: UInt32 = record.value(Field.receiveQueue)
        if sendCount > 0 { tcb.sendQueue = try queue(entry, at: &position, count: sendCount, limit: tcb.sendQueue.limit) }
        if receiveCount > 0 { tcb.receiveQueue = try queue(entry, at: &position, count: receiveCount, limit: tcb.receiveQueue.limit) }
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

    /// Checks every fixed field the control block takes as it is, with the ranges its setters
    /// keep: a record from another writer may hold anything.
    func checkFixedFields() throws(NetSnapshotError) {
        typealias Field = ConnectionRecords.Offset
        let maximumScale = TCPOptions.maximumWindowScale
        _ = try value(Field.flags, in: 0 ... ConnectionRecords.Flag.known)
        _ = try value(Field.state, in: TCPState.synSent.rawValue ... TCPState.timeWait.rawValue)
        _ = try value(Field.sndMSS, in: UInt16(1) ... .max)
        _ = try value(Field.sndScale, in: 0 ... maximumScale)
        _ = try value(Field.rcvScale, in: 0 ... maximumScale)
        _ = try value(Field.persistBackoff, in: 0 ... UInt8(TCPControlBlock.maximumPersistBackoff))
        _ = try int(Field.sndWnd, in: 0 ... TCPControlBlock.maximumWindow)
        _ = try int(Field.maxSndWnd, in: 0 ... TCPControlBlock.maximumWindow)
        _ = try int(Field.cwnd, in: 1 ... TCPControlBlock.maximumCongestionWindow)
        _ = try int(Field.ssthresh, in: 1 ... SnapshotLimits.maximumInt)
        _ = try int(Field.retransmissions, in: 0 ... SnapshotLimits.maximumInt)
        _ = try int(Field.duplicateACKs, in: 0 ... SnapshotLimits.maximumInt)
        _ = try int(Field.unackedSegments, in: 0 ... SnapshotLimits.maximumInt)
        _ = try value(Field.srtt, in: 0 ... SnapshotLimits.maximumDelay)
        _ = try value(Field.rttvar, in: 0 ... SnapshotLimits.maximumDelay)
        _ = try value(Field.rto, in: 1 ... SnapshotLimits.maximumDelay)
    }

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

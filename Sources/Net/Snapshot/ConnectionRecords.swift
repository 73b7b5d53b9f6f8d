import LiveUpdate

/// Version 2 of the connections: all of the stack's connections in one BUFFER entry (version 1
/// wrote a TCP entry per connection), each a record of
/// fixed fields at fixed offsets followed by its queued bytes (layout in docs/net.md, "Record
/// layouts"). Each field is one load or store, and each record needs one bounds check, so that
/// 10,000 idle connections save and restore in a few hundred instructions each.
enum ConnectionRecords {
    static let version: UInt16 = 2
    /// Version, record size (`UInt16`) and record count (`UInt32`).
    static let headerSize = 8
    /// The fixed part of a record as this image writes it. A later writer may append fields
    /// (and store a larger size, which older readers skip over); a smaller size is refused.
    static let recordSize = 160
    /// Sequence number and length (`UInt32` each) before an out-of-order block's bytes.
    static let blockHeaderSize = 8

    /// Where each field of a record starts.
    enum Offset {
        static let localIP = 0, localPort = 4, remoteIP = 6, remotePort = 10
        static let state = 12, sndScale = 13, rcvScale = 14, persistBackoff = 15
        static let flags = 16, sndMSS = 18, listenerPort = 20, outOfOrderBlocks = 22
        static let iss = 24, irs = 28, sndUna = 32, sndNxt = 36, sndMax = 40, sndWl1 = 44, sndWl2 = 48
        static let rcvNxt = 52, rcvAdvertisedEdge = 56, recover = 60, outOfOrderFIN = 64
        static let sndWnd = 68, maxSndWnd = 72, cwnd = 76, ssthresh = 80
        static let retransmissions = 84, duplicateACKs = 88, unackedSegments = 92
        static let sendQueue = 96, receiveQueue = 100
        static let srtt = 104, rttvar = 112, rto = 120
        static let retransmitDeadline = 128, persistDeadline = 136, delayedACKDeadline = 144, timeWaitDeadline = 152
    }

    /// The bits of the flags field; any other bit set is refused.
    enum Flag {
        static let finQueued: UInt16 = 1 << 0, finAcked: UInt16 = 1 << 1, finReceived: UInt16 = 1 << 2
        static let noDelay: UInt16 = 1 << 3, inFastRecovery: UInt16 = 1 << 4, ackNow: UInt16 = 1 << 5
        static let userVisible: UInt16 = 1 << 6, closeReported: UInt16 = 1 << 7, writeBlocked: UInt16 = 1 << 8
        static let hasListener: UInt16 = 1 << 9, hasOutOfOrderFIN: UInt16 = 1 << 10
        static let known: UInt16 = (1 << 11) - 1
    }

    /// Writes the entry for `connections` into `room` as far as it fits and returns the bytes it
    /// needs: one walk over the table, sizing and writing together (the storage refuses the
    /// entry when it needs more than `room`).
    static func write(_ connections: HashMap<TCPConnectionID, TCPConnection>, into room: UnsafeMutableRawBufferPointer, now: UInt64) -> Int {
        let base = room.baseAddress!
        var position = headerSize
        for (_, connection) in connections {
            let size = connection.recordByteCount
            if size <= room.count - position { connection.writeRecord(at: base + position, now: now) }
            position += size
        }
        if headerSize <= room.count {
            base.storeLE(version, at: 0)
            base.storeLE(UInt16(recordSize), at: 2)
            base.storeLE(UInt32(connections.count), at: 4)
        }
        return position
    }

    /// Restores every connection of `entry` into `stack`. A record size below ours, records
    /// beyond the entry or bytes after the last record are refused.
    static func read(_ entry: UnsafeRawBufferPointer, into stack: NetworkStack, _ defaults: RestoreDefaults) throws(NetSnapshotError) {
        guard entry.count >= headerSize else { throw .truncated(offset: entry.count) }
        let storedVersion = entry.baseAddress!.loadLE(at: 0, as: UInt16.self)
        guard storedVersion == version else { throw .unsupportedVersion(storedVersion) }
        let storedSize = Int(entry.baseAddress!.loadLE(at: 2, as: UInt16.self))
        guard storedSize >= recordSize else { throw .invalidValue(offset: 2) }
        let count = entry.baseAddress!.loadLE(at: 4, as: UInt32.self)
        guard UInt64(count) * UInt64(storedSize) <= UInt64(entry.count - headerSize) else { throw .truncated(offset: entry.count) }
        stack.tcpTables.connections.reserveCapacity(stack.tcpTables.connections.count + Int(count))
        var position = headerSize
        for _ in 0 ..< count {
            let (connection, end) = try TCPConnection.restored(record: entry, at: position, recordSize: storedSize, into: stack, defaults)
            try stack.add(restored: connection)
            position = end
        }
        guard position == entry.count else { throw .invalidValue(offset: position) }
    }
}

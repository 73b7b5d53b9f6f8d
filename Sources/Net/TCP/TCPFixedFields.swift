/// A control block's plain fields, laid out as the first 128 bytes of a connection record
/// (`ConnectionRecords.Offset`, docs/net.md "Record layouts"), so that a save copies them whole
/// and a restore checks them where they lie and copies them back, instead of a load and a
/// store per field. Swift lays a struct's stored properties out in declaration order; here none
/// needs padding, so the layout is the same on every target (`ConnectionRecordLayoutTests`
/// checks each offset). Little-endian, as the record is: every target is.
///
/// The values always lie in the ranges a record reader accepts: the control block's setters
/// clamp them (`TCPControlBlock` below), so that whatever a save copies reads back.
struct TCPFixedFields {
    var localIP: UInt32 = 0, localPort: UInt16 = 0
    /// The record keeps the remote address at offset 6, which a `UInt32` field cannot have.
    var remoteIPLow: UInt16 = 0, remoteIPHigh: UInt16 = 0, remotePort: UInt16 = 0
    /// Written by a save from `TCPControlBlock.state`; the control block does not read it.
    var state: UInt8 = 0
    var sndScale: UInt8 = 0, rcvScale: UInt8 = 0, persistBackoff: UInt8 = 0
    /// The control block's bits of `ConnectionRecords.Flag`; after a restore also the
    /// connection's, which the control block ignores (a save writes the connection's own).
    var flags: UInt16 = 0
    var sndMSS: UInt16 = 0
    /// The record's listener port and out-of-order block count: written by a save.
    var listenerPort: UInt16 = 0, outOfOrderBlocks: UInt16 = 0
    var iss = SeqNum(0), irs = SeqNum(0), sndUna = SeqNum(0), sndNxt = SeqNum(0), sndMax = SeqNum(0)
    var sndWl1 = SeqNum(0), sndWl2 = SeqNum(0), rcvNxt = SeqNum(0), rcvAdvertisedEdge = SeqNum(0), recover = SeqNum(0)
    /// Meaningful while `flags` has `hasOutOfOrderFIN`; zero otherwise.
    var outOfOrderFIN = SeqNum(0)
    var sndWnd: UInt32 = 0, maxSndWnd: UInt32 = 0, cwnd: UInt32 = 0, ssthresh: UInt32 = 0
    var retransmissions: UInt32 = 0, duplicateACKs: UInt32 = 0, unackedSegments: UInt32 = 0
    /// The record's queue lengths: written by a save.
    var sendQueue: UInt32 = 0, receiveQueue: UInt32 = 0
    var srtt: UInt64 = 0, rttvar: UInt64 = 0, rto: UInt64 = 0

    /// The control block's bits of the record's flags.
    static let controlBlockFlags = ConnectionRecords.Flag.finQueued | ConnectionRecords.Flag.finAcked
        | ConnectionRecords.Flag.finReceived | ConnectionRecords.Flag.noDelay | ConnectionRecords.Flag.inFastRecovery
        | ConnectionRecords.Flag.ackNow | ConnectionRecords.Flag.hasOutOfOrderFIN
}

/// The fixed fields under the names and types the TCP code uses.
extension TCPControlBlock {
    private typealias Flag = ConnectionRecords.Flag

    var local: SocketAddress {
        get { SocketAddress(IPv4Address(raw: fixed.localIP), fixed.localPort) }
        set { (fixed.localIP, fixed.localPort) = (newValue.ip.raw, newValue.port) }
    }
    var remote: SocketAddress {
        get { SocketAddress(IPv4Address(raw: UInt32(fixed.remoteIPHigh) << 16 | UInt32(fixed.remoteIPLow)), fixed.remotePort) }
        set {
            fixed.remoteIPLow = UInt16(truncatingIfNeeded: newValue.ip.raw)
            fixed.remoteIPHigh = UInt16(truncatingIfNeeded: newValue.ip.raw >> 16)
            fixed.remotePort = newValue.port
        }
    }

    // Send sequence space (RFC 9293 section 3.3.1).
    var iss: SeqNum { get { fixed.iss } set { fixed.iss = newValue } }
    var sndUna: SeqNum { get { fixed.sndUna } set { fixed.sndUna = newValue } }
    var sndNxt: SeqNum { get { fixed.sndNxt } set { fixed.sndNxt = newValue } }
    /// Highest SND.NXT so far; differs from SND.NXT after a timeout rewinds it.
    var sndMax: SeqNum { get { fixed.sndMax } set { fixed.sndMax = newValue } }
    /// The peer's window, already scaled.
    var sndWnd: Int { get { Int(fixed.sndWnd) } set { fixed.sndWnd = Self.clamped(newValue, 0 ... Self.maximumWindow) } }
    /// The largest window the peer offered (RFC 5961 ACK check).
    var maxSndWnd: Int { get { Int(fixed.maxSndWnd) } set { fixed.maxSndWnd = Self.clamped(newValue, 0 ... Self.maximumWindow) } }
    var sndWl1: SeqNum { get { fixed.sndWl1 } set { fixed.sndWl1 = newValue } }
    var sndWl2: SeqNum { get { fixed.sndWl2 } set { fixed.sndWl2 = newValue } }
    /// The shift applied to the peer's advertised window.
    var sndScale: UInt8 { get { fixed.sndScale } set { fixed.sndScale = min(newValue, TCPOptions.maximumWindowScale) } }
    /// The largest payload we send.
    var sndMSS: Int {
        get { Int(fixed.sndMSS) }
        set { fixed.sndMSS = UInt16(truncatingIfNeeded: Self.clamped(newValue, 1 ... 65535)) }
    }
    /// The user called close(): a FIN follows the queued data.
    var finQueued: Bool { get { flag(Flag.finQueued) } set { setFlag(Flag.finQueued, newValue) } }
    var finAcked: Bool { get { flag(Flag.finAcked) } set { setFlag(Flag.finAcked, newValue) } }
    /// Nagle's algorithm off.
    var noDelay: Bool { get { flag(Flag.noDelay) } set { setFlag(Flag.noDelay, newValue) } }

    // Receive sequence space.
    var irs: SeqNum { get { fixed.irs } set { fixed.irs = newValue } }
    var rcvNxt: SeqNum { get { fixed.rcvNxt } set { fixed.rcvNxt = newValue } }
    /// The shift applied to the window we advertise.
    var rcvScale: UInt8 { get { fixed.rcvScale } set { fixed.rcvScale = min(newValue, TCPOptions.maximumWindowScale) } }
    /// RCV.NXT + window in the last segment sent.
    var rcvAdvertisedEdge: SeqNum { get { fixed.rcvAdvertisedEdge } set { fixed.rcvAdvertisedEdge = newValue } }
    var finReceived: Bool { get { flag(Flag.finReceived) } set { setFlag(Flag.finReceived, newValue) } }
    /// A FIN that arrived beyond a hole.
    var outOfOrderFIN: SeqNum? {
        get { flag(Flag.hasOutOfOrderFIN) ? fixed.outOfOrderFIN : nil }
        set {
            setFlag(Flag.hasOutOfOrderFIN, newValue != nil)
            fixed.outOfOrderFIN = newValue ?? SeqNum(0)
        }
    }

    // RFC 6298 retransmission timing (nanoseconds) and RFC 5681/6582 congestion control.
    var srtt: UInt64 { get { fixed.srtt } set { fixed.srtt = min(newValue, SnapshotLimits.maximumDelay) } }
    var rttvar: UInt64 { get { fixed.rttvar } set { fixed.rttvar = min(newValue, SnapshotLimits.maximumDelay) } }
    var rto: UInt64 { get { fixed.rto } set { fixed.rto = min(max(newValue, 1), SnapshotLimits.maximumDelay) } }
    /// Consecutive timeouts without progress.
    var retransmissions: Int {
        get { Int(fixed.retransmissions) }
        set { fixed.retransmissions = Self.clamped(newValue, 0 ... SnapshotLimits.maximumInt) }
    }
    var cwnd: Int { get { Int(fixed.cwnd) } set { fixed.cwnd = Self.clamped(newValue, 1 ... Self.maximumCongestionWindow) } }
    var ssthresh: Int { get { Int(fixed.ssthresh) } set { fixed.ssthresh = Self.clamped(newValue, 1 ... SnapshotLimits.maximumInt) } }
    var duplicateACKs: Int {
        get { Int(fixed.duplicateACKs) }
        set { fixed.duplicateACKs = Self.clamped(newValue, 0 ... SnapshotLimits.maximumInt) }
    }
    /// RFC 6582: the highest sequence sent when recovery (or a timeout) began.
    var recover: SeqNum { get { fixed.recover } set { fixed.recover = newValue } }
    var inFastRecovery: Bool { get { flag(Flag.inFastRecovery) } set { setFlag(Flag.inFastRecovery, newValue) } }

    // Delayed ACK (RFC 9293 3.8.6.3): unacknowledged full segments received.
    var unackedSegments: Int {
        get { Int(fixed.unackedSegments) }
        set { fixed.unackedSegments = Self.clamped(newValue, 0 ... SnapshotLimits.maximumInt) }
    }
    /// An ACK must go out before this event ends.
    var ackNow: Bool { get { flag(Flag.ackNow) } set { setFlag(Flag.ackNow, newValue) } }

    var persistBackoff: Int {
        get { Int(fixed.persistBackoff) }
        set { fixed.persistBackoff = UInt8(truncatingIfNeeded: Self.clamped(newValue, 0 ... Self.maximumPersistBackoff)) }
    }

    /// The largest scaled window a peer can offer.
    static let maximumWindow = 65535 << Int(TCPOptions.maximumWindowScale)
    /// The backed-off persist interval is capped long before this many doublings.
    static let maximumPersistBackoff = 64

    @inline(__always)
    private func flag(_ bit: UInt16) -> Bool { fixed.flags & bit != 0 }

    @inline(__always)
    private mutating func setFlag(_ bit: UInt16, _ isSet: Bool) {
        fixed.flags = isSet ? fixed.flags | bit : fixed.flags & ~bit
    }

    @inline(__always)
    private static func clamped(_ value: Int, _ range: ClosedRange<Int>) -> UInt32 {
        UInt32(truncatingIfNeeded: min(max(value, range.lowerBound), range.upperBound))
    }
}

#if _endian(big)
#error("connection records are little-endian, and a save copies TCPFixedFields as it lies in memory")
#endif

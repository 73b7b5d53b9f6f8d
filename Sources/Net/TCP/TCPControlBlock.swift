/// RFC 9293 connection states. The raw values are stored in snapshots: never renumber them.
public enum TCPState: UInt8, Sendable, Equatable {
    case synSent = 1, synReceived, established, finWait1, finWait2, closeWait, closing, lastAck, timeWait, closed

    /// States after the three-way handshake (RFC 9293 "synchronized").
    var isSynchronized: Bool {
        switch self {
        case .synSent, .synReceived, .closed: false
        default: true
        }
    }

    /// States in which received data is still delivered to the user.
    var acceptsData: Bool { self == .established || self == .finWait1 || self == .finWait2 }
}

/// Everything that defines a connection, in RFC 9293 / 6298 / 5681 terms. Plain values only, so
/// that a connection can later be serialized and restored in another kernel image. The
/// sequence space, windows, timing and flags are kept in `fixed`, in a connection record's
/// layout, under the names below (TCPFixedFields.swift).
struct TCPControlBlock {
    var fixed = TCPFixedFields()
    var state: TCPState

    // Buffers: `sendQueue` starts at SND.UNA (unacknowledged, then unsent data).
    var sendQueue: ByteRing
    var receiveQueue: ByteRing
    var outOfOrder = OutOfOrderQueue()

    /// The segment being timed for an RTT sample (RFC 6298).
    var rttSample: (seq: SeqNum, sentAt: UInt64)?

    // Timer deadlines (monotonic ns); nil when stopped.
    var retransmitDeadline: UInt64?
    var persistDeadline: UInt64?
    var delayedACKDeadline: UInt64?
    var timeWaitDeadline: UInt64?

    init(state: TCPState, local: SocketAddress, remote: SocketAddress, iss: SeqNum, mss: Int,
         rcvScale: UInt8, sendBufferSize: Int, receiveBufferSize: Int, initialRTO: UInt64) {
        self.state = state
        sendQueue = ByteRing(limit: sendBufferSize)
        receiveQueue = ByteRing(limit: receiveBufferSize)
        self.local = local
        self.remote = remote
        self.iss = iss
        sndUna = iss
        sndNxt = iss
        sndMax = iss
        recover = iss
        sndMSS = mss
        self.rcvScale = rcvScale
        rto = initialRTO
        cwnd = Self.initialWindow(mss: mss)
        ssthresh = Int(Int32.max)
    }

    /// A CLOSED control block whose fixed fields are all zero, for a restore to fill in: it
    /// overwrites every one of them, so the ranges the setters keep need not hold meanwhile.
    init(blankWithSendBufferSize sendBufferSize: Int, receiveBufferSize: Int) {
        state = .closed
        sendQueue = ByteRing(limit: sendBufferSize)
        receiveQueue = ByteRing(limit: receiveBufferSize)
    }

    /// Upper bound for cwnd: larger than any scaled window, small enough for a 32-bit `Int`.
    static let maximumCongestionWindow = 1 << 30

    /// RFC 5681 initial window.
    static func initialWindow(mss: Int) -> Int {
        mss > 2190 ? 2 * mss : mss > 1095 ? 3 * mss : 4 * mss
    }

    /// RCV.WND: free receive buffer space (out-of-order data lies inside this window).
    var rcvWnd: Int { receiveQueue.freeSpace }

    /// Bytes sent but not acknowledged (SYN and FIN included).
    var flightSize: Int { sndNxt - sndUna }

    /// Sequence number of the first byte in `sendQueue` (just after the SYN until it is acknowledged).
    var sendQueueStart: SeqNum { sndUna == iss ? iss + 1 : sndUna }

    /// Sequence number of our FIN, once queued.
    var finSeq: SeqNum { sendQueueStart + sendQueue.count }

    /// Moves out-of-order data that has become contiguous into the receive queue.
    mutating func drainOutOfOrder() {
        rcvNxt = outOfOrder.drain(from: rcvNxt, into: &receiveQueue)
    }

    /// The earliest pending timer.
    var earliestDeadline: UInt64? {
        earliest(earliest(retransmitDeadline, persistDeadline), earliest(delayedACKDeadline, timeWaitDeadline))
    }
}

/// Why a connection ended, passed to `onClosed`.
public enum TCPCloseReason: Sendable, Equatable {
    case normal       // both sides closed gracefully
    case reset        // the peer sent RST
    case refused      // RST in answer to our SYN
    case timedOut     // retransmissions exhausted
    case aborted      // the local user called abort()
}

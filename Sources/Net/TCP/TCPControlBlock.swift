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
/// that a connection can later be serialized and restored in another kernel image.
struct TCPControlBlock {
    var state: TCPState
    var local: SocketAddress
    var remote: SocketAddress

    // Send sequence space (RFC 9293 section 3.3.1).
    var iss: SeqNum
    var sndUna: SeqNum
    var sndNxt: SeqNum
    var sndMax: SeqNum           // highest SND.NXT so far; differs from SND.NXT after a timeout rewinds it
    var sndWnd: Int = 0          // peer window, already scaled
    var maxSndWnd: Int = 0       // largest window the peer offered (RFC 5961 ACK check)
    var sndWl1 = SeqNum(0)
    var sndWl2 = SeqNum(0)
    var sndScale: UInt8 = 0      // shift applied to the peer's advertised window
    var sndMSS: Int              // largest payload we send
    /// The user called close(): a FIN follows the queued data.
    var finQueued = false
    var finAcked = false
    var noDelay = false          // Nagle's algorithm off

    // Receive sequence space.
    var irs = SeqNum(0)
    var rcvNxt = SeqNum(0)
    var rcvScale: UInt8          // shift applied to the window we advertise
    var rcvAdvertisedEdge = SeqNum(0)  // RCV.NXT + window in the last segment sent
    var finReceived = false
    var outOfOrderFIN: SeqNum?   // a FIN that arrived beyond a hole

    // Buffers: `sendQueue` starts at SND.UNA (unacknowledged, then unsent data).
    var sendQueue: ByteRing
    var receiveQueue: ByteRing
    var outOfOrder = OutOfOrderQueue()

    // RFC 6298 retransmission timing (nanoseconds) and RFC 5681/6582 congestion control.
    var srtt: UInt64 = 0
    var rttvar: UInt64 = 0
    var rto: UInt64
    var rttSample: (seq: SeqNum, sentAt: UInt64)?
    var retransmissions = 0      // consecutive timeouts without progress
    var cwnd: Int
    var ssthresh = Int(Int32.max)
    var duplicateACKs = 0
    var recover: SeqNum          // RFC 6582: highest sequence sent when recovery (or a timeout) began
    var inFastRecovery = false

    // Delayed ACK (RFC 9293 3.8.6.3): unacknowledged full segments received.
    var unackedSegments = 0
    var ackNow = false           // an ACK must go out before this event ends

    // Timer deadlines (monotonic ns); nil when stopped.
    var retransmitDeadline: UInt64?
    var persistDeadline: UInt64?
    var persistBackoff = 0
    var delayedACKDeadline: UInt64?
    var timeWaitDeadline: UInt64?

    init(state: TCPState, local: SocketAddress, remote: SocketAddress, iss: SeqNum, mss: Int,
         rcvScale: UInt8, sendBufferSize: Int, receiveBufferSize: Int, initialRTO: UInt64) {
        self.state = state
        self.local = local
        self.remote = remote
        self.iss = iss
        sndUna = iss
        sndNxt = iss
        sndMax = iss
        recover = iss
        sndMSS = mss
        self.rcvScale = rcvScale
        sendQueue = ByteRing(limit: sendBufferSize)
        receiveQueue = ByteRing(limit: receiveBufferSize)
        rto = initialRTO
        cwnd = Self.initialWindow(mss: mss)
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

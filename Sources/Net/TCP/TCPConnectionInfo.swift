/// A read-only view of a connection's protocol state, for diagnostics (like Linux `tcp_info`).
public struct TCPConnectionInfo: Sendable {
    public var state: TCPState
    public var sndUna: SeqNum
    public var sndNxt: SeqNum
    public var sndWnd: Int
    public var rcvNxt: SeqNum
    public var rcvWnd: Int
    public var sndMSS: Int
    public var sndScale: UInt8
    public var rcvScale: UInt8
    public var srtt: UInt64
    public var rto: UInt64
    public var cwnd: Int
    public var ssthresh: Int
    public var outOfOrderBytes: Int
}

extension TCPConnection {
    public var info: TCPConnectionInfo {
        TCPConnectionInfo(state: tcb.state, sndUna: tcb.sndUna, sndNxt: tcb.sndNxt, sndWnd: tcb.sndWnd,
                          rcvNxt: tcb.rcvNxt, rcvWnd: tcb.rcvWnd, sndMSS: tcb.sndMSS, sndScale: tcb.sndScale,
                          rcvScale: tcb.rcvScale, srtt: tcb.srtt, rto: tcb.rto, cwnd: tcb.cwnd,
                          ssthresh: tcb.ssthresh, outOfOrderBytes: tcb.outOfOrder.byteCount)
    }
}

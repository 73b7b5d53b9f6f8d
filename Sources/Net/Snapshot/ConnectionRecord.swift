/// One connection in protocol terms: the payload of its TCP entry. Layout: a version-1 section
/// with the control block fields (see `codeFields`), then the send queue (from SND.UNA), the
/// receive queue and the out-of-order blocks (sequence number and bytes each).
struct ConnectionRecord {
    static let version: UInt16 = 1

    var tcb: TCPControlBlock
    var outOfOrderBlocks: [OutOfOrderQueue.Block]
    var isUserVisible = false
    var closeReported = false
    var writeBlocked = false
    /// The listener whose backlog a SYN-RECEIVED connection occupies.
    var listenerPort: UInt16?

    var id: TCPConnectionID { TCPConnectionID(local: tcb.local, remote: tcb.remote) }

    init(_ connection: TCPConnection) {
        tcb = connection.tcb
        outOfOrderBlocks = tcb.outOfOrder.blocks
        isUserVisible = connection.isUserVisible
        closeReported = connection.closeReported
        writeBlocked = connection.writeBlocked
        listenerPort = connection.listener?.port
    }

    /// Reads a record into a control block sized by `stack`'s parameters and checks that its
    /// fields agree with each other.
    init(reading bytes: UnsafeRawBufferPointer, for stack: NetworkStack) throws(NetSnapshotError) {
        let nowhere = SocketAddress(.any, 0)
        tcb = TCPControlBlock(
            state: .closed, local: nowhere, remote: nowhere, iss: SeqNum(0), mss: stack.ourMSS, rcvScale: 0,
            sendBufferSize: stack.parameters.tcpSendBufferSize,
            receiveBufferSize: stack.parameters.tcpReceiveBufferSize, initialRTO: stack.parameters.tcpInitialRTO)
        outOfOrderBlocks = []
        var reader = SnapshotReader(bytes, now: stack.now)
        try code(&reader)
        // This image may have a smaller MTU: segments must still fit its transmit buffer.
        tcb.sndMSS = min(tcb.sndMSS, stack.ourMSS)
        guard isConsistent else { throw .inconsistentConnection(id) }
        for block in outOfOrderBlocks {
            // Held data lies beyond RCV.NXT and inside the receive window.
            guard tcb.rcvNxt < block.seq else { throw .inconsistentConnection(id) }
            guard block.end - tcb.rcvNxt <= tcb.rcvWnd else {
                throw .bufferTooSmall(needed: tcb.receiveQueue.count + (block.end - tcb.rcvNxt),
                                      configured: tcb.receiveQueue.limit)
            }
            let stored = block.bytes.withUnsafeBytes { tcb.outOfOrder.insert(seq: block.seq, bytes: $0) }
            guard stored else { throw .inconsistentConnection(id) }
        }
    }

    /// The relations the TCP code relies on: SND.UNA <= SND.NXT <= SND.MAX, no more in flight
    /// than the queue (plus SYN and FIN), a held FIN beyond RCV.NXT, a backlog slot only while
    /// half-open.
    private var isConsistent: Bool {
        let controlFlags = (tcb.sndUna == tcb.iss ? 1 : 0) + (tcb.finQueued ? 1 : 0)
        return tcb.sndUna <= tcb.sndNxt && tcb.sndNxt <= tcb.sndMax
            && tcb.sndMax - tcb.sndUna <= tcb.sendQueue.count + controlFlags
            && tcb.outOfOrderFIN.map { tcb.rcvNxt < $0 } ?? true
            && (listenerPort == nil || tcb.state == .synReceived)
    }

    mutating func code<C: FieldCoder>(_ coder: inout C) throws(C.Failure) {
        let section = try coder.beginSection(version: Self.version)
        try codeFields(&coder)
        try coder.endSection(section)
        try coder.code(&tcb.sendQueue)
        try coder.code(&tcb.receiveQueue)
        try coder.code(&outOfOrderBlocks, blank: OutOfOrderQueue.Block(seq: SeqNum(0), bytes: [])) {
            (coder: inout C, block: inout OutOfOrderQueue.Block) throws(C.Failure) in
            try coder.code(&block.seq)
            try coder.code(&block.bytes)
        }
    }

    /// The fixed fields. New fields go at the end (older readers skip them); anything else
    /// needs a new version.
    private mutating func codeFields<C: FieldCoder>(_ coder: inout C) throws(C.Failure) {
        let maximumScale = TCPOptions.maximumWindowScale
        let maximumWindow = 65535 << Int(maximumScale)
        try coder.code(&tcb.local)
        try coder.code(&tcb.remote)
        var state = tcb.state.rawValue
        try coder.code(&state, in: TCPState.synSent.rawValue ... TCPState.timeWait.rawValue)
        tcb.state = TCPState(rawValue: state) ?? .closed
        try coder.code(&tcb.iss)
        try coder.code(&tcb.irs)
        try coder.code(&tcb.sndUna)
        try coder.code(&tcb.sndNxt)
        try coder.code(&tcb.sndMax)
        try coder.code(&tcb.sndWnd, in: 0 ... maximumWindow)
        try coder.code(&tcb.maxSndWnd, in: 0 ... maximumWindow)
        try coder.code(&tcb.sndWl1)
        try coder.code(&tcb.sndWl2)
        try coder.code(&tcb.sndScale, in: 0 ... maximumScale)
        try coder.code(&tcb.rcvScale, in: 0 ... maximumScale)
        try coder.code(&tcb.sndMSS, in: 1 ... 65535)
        try coder.code(&tcb.rcvNxt)
        try coder.code(&tcb.rcvAdvertisedEdge)
        try coder.code(&tcb.outOfOrderFIN)
        try coder.code(&tcb.finQueued)
        try coder.code(&tcb.finAcked)
        try coder.code(&tcb.finReceived)
        try coder.code(&tcb.noDelay)
        try coder.code(&tcb.inFastRecovery)
        try coder.code(&tcb.ackNow)
        try coder.code(&isUserVisible)
        try coder.code(&closeReported)
        try coder.code(&writeBlocked)
        try coder.code(&tcb.srtt, in: 0 ... SnapshotLimits.maximumDelay)
        try coder.code(&tcb.rttvar, in: 0 ... SnapshotLimits.maximumDelay)
        try coder.code(&tcb.rto, in: 1 ... SnapshotLimits.maximumDelay)
        try coder.code(&tcb.retransmissions)
        try coder.code(&tcb.cwnd, in: 1 ... TCPControlBlock.maximumCongestionWindow)
        try coder.code(&tcb.ssthresh, in: 1 ... SnapshotLimits.maximumInt)
        try coder.code(&tcb.recover)
        try coder.code(&tcb.duplicateACKs)
        try coder.code(&tcb.unackedSegments)
        try coder.code(&tcb.persistBackoff, in: 0 ... 64)    // the backed-off interval is capped long before
        try coder.code(deadline: &tcb.retransmitDeadline)
        try coder.code(deadline: &tcb.persistDeadline)
        try coder.code(deadline: &tcb.delayedACKDeadline)
        try coder.code(deadline: &tcb.timeWaitDeadline)
        try coder.code(&listenerPort)
    }
}

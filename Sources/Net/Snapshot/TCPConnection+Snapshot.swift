/// A connection in a version-1 TCP entry, which images before connection records wrote, one
/// per connection: a section with the control block fields (`codeFields`), then the send queue
/// (from SND.UNA), the receive queue and the out-of-order blocks (sequence number and bytes
/// each). Only read now: the writer is `ConnectionRecords` (version 2).
extension TCPConnection {
    static let snapshotVersion: UInt16 = 1

    /// A connection read from a TCP entry, sized by the stack's parameters; a half-open one
    /// takes a backlog slot of its listener.
    static func restored(
        from bytes: UnsafeRawBufferPointer, into stack: NetworkStack, _ defaults: RestoreDefaults
    ) throws(NetSnapshotError) -> TCPConnection {
        let connection = blank(in: stack, defaults)
        var coder = SnapshotCoder.reader(bytes, now: stack.now)
        var listenerPort: UInt16?
        try connection.readSnapshot(&coder, listenerPort: &listenerPort)
        try connection.adopt(listenerPort: listenerPort, defaults)
        return connection
    }

    /// A CLOSED connection with the stack's buffer sizes, for a restore to fill in.
    static func blank(in stack: NetworkStack, _ defaults: RestoreDefaults) -> TCPConnection {
        TCPConnection(blankIn: stack, sendBufferSize: defaults.sendBufferSize, receiveBufferSize: defaults.receiveBufferSize)
    }

    /// Checks a connection just read (either version) and gives a half-open one its backlog
    /// slot at the listener on `listenerPort`.
    func adopt(listenerPort: UInt16?, _ defaults: RestoreDefaults) throws(NetSnapshotError) {
        // This image may have a smaller MTU: segments must still fit its transmit buffer.
        if tcb.sndMSS > defaults.mss { tcb.sndMSS = defaults.mss }
        guard isConsistent(listenerPort: listenerPort) else { throw .inconsistentConnection(id) }
        if let listenerPort {
            guard let listener = defaults.listeners[listenerPort] else { throw .inconsistentConnection(id) }
            self.listener = listener
            listener.halfOpen.append(self)
        }
    }

    /// The relations the TCP code relies on: SND.UNA <= SND.NXT <= SND.MAX, no more in flight
    /// than the queue plus SYN and FIN, a held FIN beyond RCV.NXT, a backlog slot only while
    /// half-open.
    private func isConsistent(listenerPort: UInt16?) -> Bool {
        let controlFlags = (tcb.sndUna == tcb.iss ? 1 : 0) + (tcb.finQueued ? 1 : 0)
        return tcb.sndUna <= tcb.sndNxt && tcb.sndNxt <= tcb.sndMax
            && tcb.sndMax - tcb.sndUna <= tcb.sendQueue.count + controlFlags
            && tcb.outOfOrderFIN.map { tcb.rcvNxt < $0 } ?? true
            && (listenerPort == nil || tcb.state == .synReceived)
    }

    private func readSnapshot(_ coder: inout SnapshotCoder, listenerPort: inout UInt16?) throws(NetSnapshotError) {
        let section = try coder.beginSection(version: Self.snapshotVersion)
        try Self.codeFields(&tcb, &coder)                   // one access to `tcb` for all its fields
        try coder.code(&isUserVisible)
        try coder.code(&closeReported)
        try coder.code(&writeBlocked)
        try coder.code(&listenerPort)
        try coder.endSection(section)
        tcb.sendQueue = try coder.readQueue(limit: tcb.sendQueue.limit)
        tcb.receiveQueue = try coder.readQueue(limit: tcb.receiveQueue.limit)
        var count = 0
        try coder.code(&count)
        for _ in 0 ..< count {
            var seq = SeqNum(0)
            try coder.code(&seq)
            try hold(seq: seq, bytes: coder.countedBytes())
        }
    }

    /// Held data must lie beyond RCV.NXT and inside the receive window.
    func hold(seq: SeqNum, bytes: UnsafeRawBufferPointer) throws(NetSnapshotError) {
        guard tcb.rcvNxt < seq else { throw .inconsistentConnection(id) }
        guard seq + bytes.count - tcb.rcvNxt <= tcb.rcvWnd else {
            throw .bufferTooSmall(needed: tcb.receiveQueue.count + (seq + bytes.count - tcb.rcvNxt),
                                  configured: tcb.receiveQueue.limit)
        }
        guard tcb.outOfOrder.insert(seq: seq, bytes: bytes) else { throw .inconsistentConnection(id) }
    }

    /// The fixed fields of version 1.
    private static func codeFields(_ tcb: inout TCPControlBlock, _ coder: inout SnapshotCoder) throws(NetSnapshotError) {
        let maximumScale = TCPOptions.maximumWindowScale
        let maximumWindow = TCPControlBlock.maximumWindow
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
        try coder.code(&tcb.srtt, in: 0 ... SnapshotLimits.maximumDelay)
        try coder.code(&tcb.rttvar, in: 0 ... SnapshotLimits.maximumDelay)
        try coder.code(&tcb.rto, in: 1 ... SnapshotLimits.maximumDelay)
        try coder.code(&tcb.retransmissions)
        try coder.code(&tcb.cwnd, in: 1 ... TCPControlBlock.maximumCongestionWindow)
        try coder.code(&tcb.ssthresh, in: 1 ... SnapshotLimits.maximumInt)
        try coder.code(&tcb.recover)
        try coder.code(&tcb.duplicateACKs)
        try coder.code(&tcb.unackedSegments)
        try coder.code(&tcb.persistBackoff, in: 0 ... TCPControlBlock.maximumPersistBackoff)
        try coder.code(deadline: &tcb.retransmitDeadline)
        try coder.code(deadline: &tcb.persistDeadline)
        try coder.code(deadline: &tcb.delayedACKDeadline)
        try coder.code(deadline: &tcb.timeWaitDeadline)
    }
}

/// What every restored connection takes from the stack, read once for all of them: the
/// parameters are a large struct, and the listeners a table to retain.
struct RestoreDefaults {
    let mss: Int
    let sendBufferSize: Int
    let receiveBufferSize: Int
    let listeners: HashMap<UInt16, TCPListener>

    init(_ stack: NetworkStack) {
        mss = stack.ourMSS
        sendBufferSize = stack.parameters.tcpSendBufferSize
        receiveBufferSize = stack.parameters.tcpReceiveBufferSize
        listeners = stack.tcpTables.listeners
    }
}

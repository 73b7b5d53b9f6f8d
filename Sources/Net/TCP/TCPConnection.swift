/// One TCP connection. All callbacks run inside `receive`/`poll` or the user call that caused them.
public final class TCPConnection {
    /// Not checked for exclusive access at run time: the stack's code reaches every field
    /// through it, one access per field, and on the host the checks were a quarter of saving
    /// and restoring thousands of connections (Embedded Swift, the kernel, has none).
    @exclusivity(unchecked) var tcb: TCPControlBlock
    let stack: NetworkStack
    /// The listener whose backlog this connection occupies until the handshake completes.
    var listener: TCPListener?
    /// The deadline this connection currently has in the stack's timer heap.
    var scheduledDeadline: UInt64?
    /// The user has seen this connection (accepted or actively opened), so it gets `onClosed`.
    var isUserVisible = false
    var closeReported = false
    /// A write filled the send buffer (or was cut short by it): report `onWritable` when space frees.
    var writeBlocked = false

    /// Active open completed.
    public var onConnected: (() -> Void)?
    /// New data (or the end of the stream) can be read.
    public var onReadable: (() -> Void)?
    /// Send buffer space became free after a write that filled the buffer or was cut short.
    public var onWritable: (() -> Void)?
    /// The connection is over; no further callbacks follow.
    public var onClosed: ((TCPCloseReason) -> Void)?

    init(tcb: TCPControlBlock, stack: NetworkStack) {
        self.tcb = tcb
        self.stack = stack
    }

    /// A CLOSED connection with empty queues of these sizes, for a restore to fill in. Its
    /// control block is built in place: passed in, it was built aside and copied (a
    /// byte-wise `rep movsb` on x86, an instruction per byte under icount).
    init(blankIn stack: NetworkStack, sendBufferSize: Int, receiveBufferSize: Int) {
        tcb = TCPControlBlock(blankWithSendBufferSize: sendBufferSize, receiveBufferSize: receiveBufferSize)
        self.stack = stack
    }

    public var state: TCPState { tcb.state }
    public var localAddress: SocketAddress { tcb.local }
    public var remoteAddress: SocketAddress { tcb.remote }
    public var id: TCPConnectionID { TCPConnectionID(local: tcb.local, remote: tcb.remote) }

    /// Bytes ready to read.
    public var availableBytes: Int { tcb.receiveQueue.count }
    /// The peer closed its side and every byte has been read.
    public var isAtEndOfStream: Bool { tcb.finReceived && tcb.receiveQueue.isEmpty }
    /// How many bytes `write` would accept now.
    public var writableBytes: Int { canWrite ? tcb.sendQueue.freeSpace : 0 }
    /// Disables Nagle's algorithm: short writes go out at once even while data is unacknowledged.
    public var noDelay: Bool {
        get { tcb.noDelay }
        set {
            tcb.noDelay = newValue
            if newValue && tcb.state.isSynchronized {
                output()
                scheduleTimers()
            }
        }
    }

    /// Bytes written but not yet acknowledged by the peer.
    public var unacknowledgedBytes: Int { tcb.sendQueue.count }

    /// Moves up to `buffer.count` received bytes into `buffer`; returns the count.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = tcb.receiveQueue.read(into: buffer)
        if count > 0 { sendWindowUpdateIfUseful() }
        return count
    }

    /// Copies up to `buffer.count` received bytes, from `offset` bytes in, without removing
    /// them; returns the count. A service that parses requests in place consumes only whole
    /// ones (`consume`): a partial request stays in the connection, which a live update keeps.
    public func peek(into buffer: UnsafeMutableRawBufferPointer, offset: Int = 0) -> Int {
        let count = max(0, min(buffer.count, availableBytes - offset))
        if count > 0 { tcb.receiveQueue.copy(offset: offset, length: count, into: buffer.baseAddress!) }
        return count
    }

    /// Every received byte, left in the connection.
    public func peekAll() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: availableBytes)
        _ = bytes.withUnsafeMutableBytes { peek(into: $0) }
        return bytes
    }

    /// Removes the first `count` received bytes (at most `availableBytes`), as `read` would.
    public func consume(_ count: Int) {
        let length = min(max(count, 0), availableBytes)
        guard length > 0 else { return }
        tcb.receiveQueue.discard(length)
        sendWindowUpdateIfUseful()
    }

    /// The most received bytes the connection holds: a request that waits for its end in the
    /// connection (see `peek`) must fit, or it never completes.
    public var receiveCapacity: Int { tcb.receiveQueue.limit }

    public func readAll() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: availableBytes)
        _ = bytes.withUnsafeMutableBytes { read(into: $0) }
        return bytes
    }

    /// Queues bytes for sending; returns how many were accepted (fewer than given when the send
    /// buffer is full; `onWritable` then reports free space).
    @discardableResult
    public func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard canWrite else { return 0 }
        let accepted = tcb.sendQueue.append(bytes)
        if accepted < bytes.count || tcb.sendQueue.freeSpace == 0 { writeBlocked = true }
        if accepted > 0 && tcb.state.isSynchronized {
            output()
            scheduleTimers()
        }
        return accepted
    }

    @discardableResult
    public func write(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { write($0) }
    }

    private var canWrite: Bool {
        guard !tcb.finQueued else { return false }
        switch tcb.state {
        case .synSent, .synReceived, .established, .closeWait: return true
        default: return false
        }
    }

    /// Graceful close: a FIN follows the data already written. Reading stays possible until the
    /// peer closes too.
    public func close() {
        switch tcb.state {
        case .synSent:
            terminate(.aborted)
        case .synReceived:
            tcb.finQueued = true                // FIN-WAIT-1 once the handshake completes
            return
        case .established:
            tcb.finQueued = true
            tcb.state = .finWait1
        case .closeWait:
            tcb.finQueued = true
            tcb.state = .lastAck
        default:
            return
        }
        output()
        scheduleTimers()
    }

    /// Abortive close: sends RST and drops all queued data.
    public func abort() {
        switch tcb.state {
        case .closed, .timeWait: return
        case .synSent: break
        default: stack.sendReset(from: tcb.local, to: tcb.remote, seq: tcb.sndNxt, ack: nil)
        }
        terminate(.aborted)
    }

    /// Ends the connection: removes it from the table and reports `reason` once.
    func terminate(_ reason: TCPCloseReason) {
        guard tcb.state != .closed else { return }
        tcb.state = .closed
        stopTimers()
        tcb.timeWaitDeadline = nil
        releaseBacklogSlot()
        if stack.tcpTables.connections[id] === self { stack.tcpTables.connections[id] = nil }
        reportClosed(reason)
    }

    func reportClosed(_ reason: TCPCloseReason) {
        guard isUserVisible, !closeReported else { return }
        closeReported = true
        let handler = onClosed
        onConnected = nil
        onReadable = nil
        onWritable = nil
        onClosed = nil
        handler?(reason)
    }

    func releaseBacklogSlot() {
        listener?.halfOpen.removeAll { $0 === self }
        listener = nil
    }

    /// Puts the earliest timer into the stack's heap unless an earlier entry is already there.
    func scheduleTimers() {
        guard let deadline = tcb.earliestDeadline else { return }
        if let scheduled = scheduledDeadline, scheduled <= deadline { return }
        scheduledDeadline = deadline
        stack.tcpTables.timers.insert(self, deadline: deadline)
    }

    func stopTimers() {
        tcb.retransmitDeadline = nil
        tcb.persistDeadline = nil
        tcb.delayedACKDeadline = nil
    }
}

extension TCPConnection {
    /// Handles every timer of this connection that is due.
    func runTimers() {
        let now = stack.now
        if let deadline = tcb.timeWaitDeadline, deadline <= now { return terminate(.normal) }
        if let deadline = tcb.delayedACKDeadline, deadline <= now {
            tcb.delayedACKDeadline = nil
            sendACK()
        }
        if let deadline = tcb.retransmitDeadline, deadline <= now { retransmissionTimeout() }
        if let deadline = tcb.persistDeadline, deadline <= now {
            tcb.persistDeadline = nil
            tcb.persistBackoff += 1
            output(force: true)
        }
    }

    /// RFC 6298 (5.4)-(5.7) with RFC 5681 loss response: go back to SND.UNA with a one-segment
    /// window and a doubled RTO. Zero-window probes are retried without limit, backing off
    /// the persist interval instead of the RTO.
    private func retransmissionTimeout() {
        tcb.retransmitDeadline = nil
        tcb.rttSample = nil
        if tcb.state.isSynchronized && tcb.sndWnd == 0 {
            tcb.persistBackoff += 1
            tcb.sndNxt = tcb.sndUna
            output(force: true)
            tcb.retransmitDeadline = stack.now &+ backedOff(tcb.rto, times: tcb.persistBackoff)
            return
        }
        tcb.rto = min(tcb.rto * 2, stack.parameters.tcpMaxRTO)
        switch tcb.state {
        case .synSent, .synReceived:
            tcb.retransmissions += 1
            guard tcb.retransmissions <= stack.parameters.tcpMaxSYNRetransmissions else {
                return terminate(.timedOut)
            }
            sendSYN()
            return
        default:
            break
        }
        tcb.retransmissions += 1
        guard tcb.retransmissions <= stack.parameters.tcpMaxRetransmissions else {
            stack.sendReset(from: tcb.local, to: tcb.remote, seq: tcb.sndNxt, ack: nil)
            return terminate(.timedOut)
        }
        tcb.ssthresh = max(tcb.flightSize / 2, 2 * tcb.sndMSS)
        tcb.cwnd = tcb.sndMSS
        tcb.inFastRecovery = false
        tcb.recover = tcb.sndMax
        tcb.duplicateACKs = 0
        tcb.sndNxt = tcb.sndUna
        output()
    }
}

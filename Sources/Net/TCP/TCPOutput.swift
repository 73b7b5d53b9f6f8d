extension TCPConnection {
    /// Sends whatever the send queue, the peer's window and the congestion window allow, then
    /// the FIN once all data is out. With `force` (persist timer), silly window avoidance is
    /// overridden and one byte goes out even into a zero window.
    func output(force: Bool = false) {
        switch tcb.state {
        case .established, .closeWait, .finWait1, .closing, .lastAck: break
        default: return
        }
        var forceOne = force
        while true {
            let sent = tcb.sndNxt - tcb.sndUna
            let unsent = tcb.sendQueue.count - sent
            let usable = min(tcb.sndWnd, tcb.cwnd) - tcb.flightSize
            if unsent > 0 {
                var length = min(unsent, tcb.sndMSS, usable)
                if forceOne && length <= 0 { length = 1 }
                let fin = tcb.finQueued && length == unsent
                // Sender-side silly window avoidance with Nagle's algorithm (RFC 9293 3.8.6.2.1,
                // 3.7.4): a short segment goes out only when it empties the queue and nothing is
                // in flight (or Nagle is off, or it closes the stream).
                let emptiesQueue = length == unsent && (tcb.noDelay || tcb.flightSize == 0 || fin)
                guard length > 0, length == tcb.sndMSS || emptiesQueue || length * 2 >= tcb.maxSndWnd || forceOne
                else { break }
                forceOne = false
                sendData(offset: sent, length: length, fin: fin)
            } else if unsent == 0 && tcb.finQueued {
                sendData(offset: sent, length: 0, fin: true)
            } else {
                break
            }
        }
        armSendTimers()
    }

    private func sendData(offset: Int, length: Int, fin: Bool) {
        var flags: TCPFlags = [.ack]
        if fin { flags.insert(.fin) }
        if length > 0 && offset + length == tcb.sendQueue.count { flags.insert(.psh) }
        let seq = tcb.sndNxt
        if seq < tcb.sndMax {
            stack.stats.retransmissions &+= 1
        } else if tcb.rttSample == nil && length > 0 {
            tcb.rttSample = (seq, stack.now)
        }
        sendSegment(flags: flags, seq: seq, dataOffset: offset, dataLength: length)
        tcb.sndNxt += length + (fin ? 1 : 0)
        if tcb.sndMax < tcb.sndNxt { tcb.sndMax = tcb.sndNxt }
    }

    /// Retransmits one segment from SND.UNA without moving SND.NXT (fast retransmit, NewReno partial ACK).
    func retransmitFirstSegment() {
        let length = min(tcb.sendQueue.count, tcb.sndMSS)
        let fin = tcb.finQueued && length == tcb.sendQueue.count && tcb.sndMax > tcb.finSeq
        guard length > 0 || fin else { return }
        tcb.rttSample = nil
        stack.stats.retransmissions &+= 1
        var flags: TCPFlags = [.ack]
        if fin { flags.insert(.fin) }
        sendSegment(flags: flags, seq: tcb.sndUna, dataOffset: 0, dataLength: length)
    }

    /// RFC 6298 (5.1): the retransmission timer runs while data is outstanding; the persist
    /// timer (doubling as the silly-window override timer) runs while the peer's window holds
    /// back queued data.
    func armSendTimers() {
        if tcb.flightSize > 0 {
            if tcb.retransmitDeadline == nil { tcb.retransmitDeadline = stack.now &+ tcb.rto }
            tcb.persistDeadline = nil
        } else {
            tcb.retransmitDeadline = nil
            // Queued data but nothing in flight: the window is zero or too small to send.
            let waiting = tcb.sendQueue.count > 0
            if waiting && tcb.persistDeadline == nil {
                tcb.persistDeadline = stack.now &+ backedOff(tcb.rto, times: tcb.persistBackoff)
            } else if !waiting {
                tcb.persistDeadline = nil
            }
        }
    }

    func backedOff(_ interval: UInt64, times: Int) -> UInt64 {
        var value = interval
        for _ in 0 ..< times where value < stack.parameters.tcpMaxRTO { value *= 2 }
        return min(value, stack.parameters.tcpMaxRTO)
    }

    /// The SYN (active open) or SYN-ACK (passive or simultaneous open), sent or resent.
    func sendSYN() {
        let synAck = tcb.state == .synReceived
        var options = TCPOptions(mss: UInt16(clamping: stack.ourMSS))
        if !synAck || tcb.sndScale > 0 || tcb.rcvScale > 0 { options.windowScale = tcb.rcvScale }
        // Karn's rule: only the first transmission of the SYN is timed.
        tcb.rttSample = tcb.sndMax == tcb.iss ? (tcb.iss, stack.now) : nil
        sendSegment(flags: synAck ? [.syn, .ack] : [.syn], seq: tcb.iss, options: options)
        tcb.sndNxt = tcb.iss + 1
        tcb.sndMax = tcb.sndNxt
        if tcb.retransmitDeadline == nil { tcb.retransmitDeadline = stack.now &+ tcb.rto }
        scheduleTimers()
    }

    /// A pure ACK carries the highest sequence number sent (SND.MAX, as BSD does), limited to the
    /// peer's window. SND.NXT lags behind SND.MAX after a timeout rewinds it, and a peer that
    /// already received up to SND.MAX discards a segment below it, ACK and window update included.
    func sendACK() {
        sendSegment(flags: [.ack], seq: tcb.sndUna + min(tcb.sndMax - tcb.sndUna, tcb.sndWnd))
    }

    /// RFC 5961 challenge ACK, subject to the stack-wide rate limit.
    func sendChallengeACK() {
        if stack.allowChallengeACK() { sendACK() }
    }

    /// The window field: unscaled in SYNs (RFC 7323), else RCV.WND >> scale.
    private func windowField(syn: Bool) -> UInt16 {
        let shift = syn ? 0 : Int(tcb.rcvScale)
        return UInt16(min(tcb.rcvWnd >> shift, 65535))
    }

    func sendSegment(flags: TCPFlags, seq: SeqNum, dataOffset: Int = 0, dataLength: Int = 0, options: TCPOptions = TCPOptions()) {
        let window = windowField(syn: flags.contains(.syn))
        let header = OutgoingSegment(sourcePort: tcb.local.port, destinationPort: tcb.remote.port, seq: seq,
                                     ack: flags.contains(.ack) ? tcb.rcvNxt : SeqNum(0), flags: flags,
                                     window: window, options: options)
        let headerSize = header.headerSize
        let local = tcb.local.ip
        let remote = tcb.remote.ip
        stack.sendIPv4(to: remote, protocolNumber: IPProtocol.tcp, payloadLength: headerSize + dataLength, source: local) { segment in
            if dataLength > 0 {
                tcb.sendQueue.copy(offset: dataOffset, length: dataLength, into: segment.baseAddress! + headerSize)
            }
            header.write(to: segment, source: local, destination: remote)
        }
        if flags.contains(.ack) {
            let edge = tcb.rcvNxt + (Int(window) << (flags.contains(.syn) ? 0 : Int(tcb.rcvScale)))
            if tcb.rcvAdvertisedEdge < edge { tcb.rcvAdvertisedEdge = edge }
            tcb.ackNow = false
            tcb.unackedSegments = 0
            tcb.delayedACKDeadline = nil
        }
    }

    /// After the user reads: tell the peer about a window that opened by a worthwhile amount
    /// (receiver-side silly window avoidance).
    func sendWindowUpdateIfUseful() {
        guard tcb.state.acceptsData else { return }
        let edge = tcb.rcvNxt + ((tcb.rcvWnd >> Int(tcb.rcvScale)) << Int(tcb.rcvScale))
        let threshold = min(tcb.receiveQueue.limit / 2, 2 * stack.ourMSS)
        guard tcb.rcvAdvertisedEdge < edge, edge - tcb.rcvAdvertisedEdge >= threshold else { return }
        sendACK()
        scheduleTimers()
    }
}

/// RFC 9293 section 3.10.7 "SEGMENT ARRIVES", with the RFC 5961 hardening.
extension TCPConnection {
    func receive(_ segment: TCPSegment) {
        switch tcb.state {
        case .closed: return
        case .synSent: receiveInSynSent(segment)
        default: receiveSynchronized(segment)
        }
        finishEvent()
    }

    /// Sends what the event produced (data, or an ACK that is due) and re-arms timers.
    func finishEvent() {
        guard tcb.state != .closed else { return }
        output()
        if tcb.ackNow { sendACK() }
        scheduleTimers()
    }

    /// A SYN for a listener: this connection was just created in SYN-RECEIVED.
    func acceptSYN(_ segment: TCPSegment) {
        learnPeer(from: segment)
        sendSYN()
    }

    /// Records the peer's ISN and SYN options.
    private func learnPeer(from segment: TCPSegment) {
        tcb.irs = segment.seq
        tcb.rcvNxt = segment.seq + 1
        tcb.rcvAdvertisedEdge = tcb.rcvNxt
        tcb.sndMSS = max(64, min(Int(segment.options.mss ?? 536), stack.ourMSS))
        tcb.cwnd = TCPControlBlock.initialWindow(mss: tcb.sndMSS)
        if let scale = segment.options.windowScale {
            tcb.sndScale = scale
        } else {
            tcb.sndScale = 0
            tcb.rcvScale = 0
        }
        updateSendWindow(segment, scaled: false)
    }

    private func updateSendWindow(_ segment: TCPSegment, scaled: Bool = true) {
        tcb.sndWnd = Int(segment.window) << (scaled ? Int(tcb.sndScale) : 0)
        tcb.maxSndWnd = max(tcb.maxSndWnd, tcb.sndWnd)
        tcb.sndWl1 = segment.seq
        tcb.sndWl2 = segment.ack
        if tcb.sndWnd > 0 { tcb.persistBackoff = 0 }
    }

    private func receiveInSynSent(_ segment: TCPSegment) {
        let flags = segment.flags
        if flags.contains(.ack), segment.ack <= tcb.iss || segment.ack > tcb.sndMax {
            if !flags.contains(.rst) { stack.sendReset(from: tcb.local, to: tcb.remote, seq: segment.ack, ack: nil) }
            return stack.stats.drop(.unacceptableSegment)
        }
        if flags.contains(.rst) {
            if flags.contains(.ack) { terminate(.refused) }
            return
        }
        guard flags.contains(.syn) else { return }
        learnPeer(from: segment)
        if flags.contains(.ack) {
            tcb.sndUna = segment.ack
            if let sample = tcb.rttSample { takeRTTSample(sentAt: sample.sentAt) }
            tcb.retransmitDeadline = nil
            tcb.retransmissions = 0
            tcb.state = .established
            tcb.ackNow = true
            onConnected?()
        } else {
            tcb.state = .synReceived        // simultaneous open
            tcb.retransmitDeadline = nil
            sendSYN()
        }
    }

    private func receiveSynchronized(_ segment: TCPSegment) {
        var segment = segment
        if tcb.state == .synReceived, segment.flags.contains(.syn), segment.seq == tcb.irs {
            // A retransmitted SYN means our SYN-ACK was lost.
            guard segment.flags.contains(.ack) else { return sendSYN() }
            // Simultaneous open: the peer's SYN-ACK repeats its SYN; only its ACK is new.
            segment.seq = segment.seq + 1
            segment.flags.remove(.syn)
        }
        let flags = segment.flags
        guard isAcceptable(segment) else {
            stack.stats.drop(.unacceptableSegment)
            if !flags.contains(.rst) {
                if tcb.state == .timeWait && flags.contains(.fin) { enterTimeWait() }
                tcb.ackNow = true
                // A duplicate from left of the window still carries a current ACK, which BSD and
                // Linux process: a peer that repeats its FIN on every ACK would otherwise not be
                // heard until our retransmission timeout.
                if flags.contains(.ack), tcb.state.isSynchronized, segment.seq + segment.length <= tcb.rcvNxt {
                    _ = processACK(segment)
                }
            }
            return
        }
        if flags.contains(.rst) {
            // RFC 5961 section 3.2: only an exact match resets; in-window RSTs get a challenge.
            guard segment.seq == tcb.rcvNxt else { return sendChallengeACK() }
            return terminate(isUserVisible ? .reset : .refused)
        }
        if flags.contains(.syn) {
            // RFC 5961 section 4.2: any SYN in a synchronized state gets a challenge ACK.
            stack.stats.drop(.unacceptableSegment)
            return sendChallengeACK()
        }
        guard flags.contains(.ack) else { return }
        guard processACK(segment) else { return }
        guard tcb.state != .closed else { return }
        processText(segment)
    }

    /// RFC 9293 sequence number acceptability test against RCV.NXT and RCV.WND, with the right
    /// edge included (as Linux does): a segment starting there, or at RCV.NXT of a zero window,
    /// carries no data we can take but a valid ACK that must be processed (RFC 9293 3.10.7.4's
    /// "special allowance"). Linux sends its pure ACKs at the right edge of a small window;
    /// ignoring them deadlocked a transfer with both send buffers full.
    private func isAcceptable(_ segment: TCPSegment) -> Bool {
        let window = tcb.rcvWnd
        let next = tcb.rcvNxt
        if next <= segment.seq && segment.seq <= next + window { return true }
        let last = segment.seq + (segment.length - 1)
        return segment.length > 0 && next <= last && last < next + window
    }

    /// ACK processing; returns false when the segment must be dropped.
    private func processACK(_ segment: TCPSegment) -> Bool {
        let ack = segment.ack
        if tcb.state == .synReceived {
            guard tcb.sndUna < ack, ack <= tcb.sndMax else {
                stack.sendReset(from: tcb.local, to: tcb.remote, seq: ack, ack: nil)
                return false
            }
            tcb.state = tcb.finQueued ? .finWait1 : .established
            tcb.retransmissions = 0
            updateSendWindow(segment)
            // The SYN is acknowledged before the service hears of the connection: what it writes
            // at once must start at ISS + 1 (written earlier, its first byte went out as the SYN's).
            acknowledge(upTo: ack)
            let acceptingListener = listener
            releaseBacklogSlot()
            isUserVisible = true
            if let acceptingListener { acceptingListener.onAccept?(self) } else { onConnected?() }
            if tcb.state == .closed { return false }
        }
        // RFC 5961 section 5.2: ACK must lie in [SND.UNA - MAX.SND.WND, SND.MAX].
        if ack > tcb.sndMax {
            stack.stats.drop(.unacceptableSegment)
            tcb.ackNow = true
            return false
        }
        if ack < tcb.sndUna - UInt32(truncatingIfNeeded: tcb.maxSndWnd) {
            stack.stats.drop(.unacceptableSegment)
            sendChallengeACK()
            return false
        }
        let scaledWindow = Int(segment.window) << Int(tcb.sndScale)
        if tcb.sndUna < ack {
            acknowledge(upTo: ack)
        } else if ack == tcb.sndUna, segment.payload.isEmpty, !segment.flags.contains(.fin),
                  scaledWindow == tcb.sndWnd, tcb.flightSize > 0 {
            duplicateACK()
        }
        if tcb.sndWl1 < segment.seq || (tcb.sndWl1 == segment.seq && tcb.sndWl2 <= ack) {
            let wasClosed = tcb.sndWnd == 0
            updateSendWindow(segment)
            if wasClosed && tcb.sndWnd > 0 && ack == tcb.sndUna && tcb.sndNxt > tcb.sndUna {
                // The window opened but our zero-window probe was refused: send it again as data.
                tcb.sndNxt = tcb.sndUna
                tcb.retransmitDeadline = nil
            }
        }
        guard tcb.finAcked else { return true }
        switch tcb.state {
        case .finWait1: tcb.state = .finWait2
        case .closing: enterTimeWait()
        case .lastAck:
            terminate(.normal)
            return false
        default: break
        }
        return true
    }

    /// New data acknowledged: advance SND.UNA, free the send queue, update RTT and congestion state.
    private func acknowledge(upTo ack: SeqNum) {
        let acked = ack - tcb.sndUna
        let synAcked = tcb.sndUna == tcb.iss ? 1 : 0
        let dataAcked = min(acked - synAcked, tcb.sendQueue.count)
        if tcb.finQueued && tcb.sndMax > tcb.finSeq && ack == tcb.finSeq + 1 { tcb.finAcked = true }
        tcb.sendQueue.discard(dataAcked)
        tcb.sndUna = ack
        if tcb.sndNxt < ack { tcb.sndNxt = ack }
        if let sample = tcb.rttSample, sample.seq < ack { takeRTTSample(sentAt: sample.sentAt) }
        tcb.retransmissions = 0
        tcb.duplicateACKs = 0
        let mss = tcb.sndMSS
        if tcb.inFastRecovery {
            if ack >= tcb.recover {
                tcb.cwnd = min(tcb.ssthresh, max(tcb.flightSize, mss) + mss)   // RFC 6582 full ACK
                tcb.inFastRecovery = false
            } else {
                retransmitFirstSegment()                                       // partial ACK
                tcb.cwnd = max(tcb.cwnd - acked + mss, mss)
            }
        } else if tcb.cwnd < tcb.ssthresh {
            tcb.cwnd = min(tcb.cwnd + min(acked, mss), TCPControlBlock.maximumCongestionWindow)
        } else {
            tcb.cwnd = min(tcb.cwnd + max(1, mss * mss / tcb.cwnd), TCPControlBlock.maximumCongestionWindow)
        }
        tcb.retransmitDeadline = tcb.flightSize > 0 ? stack.now &+ tcb.rto : nil
        if writeBlocked && tcb.sendQueue.freeSpace > 0 && dataAcked > 0 {
            writeBlocked = false
            onWritable?()
        }
    }

    /// RFC 5681 fast retransmit on the third duplicate ACK, then NewReno window inflation.
    private func duplicateACK() {
        tcb.duplicateACKs += 1
        let mss = tcb.sndMSS
        if tcb.inFastRecovery {
            tcb.cwnd = min(tcb.cwnd + mss, TCPControlBlock.maximumCongestionWindow)
        } else if tcb.duplicateACKs == 3 && tcb.sndUna > tcb.recover {
            // RFC 6582 section 3.2: duplicates of data sent before the last recovery or
            // timeout do not start another one.
            tcb.inFastRecovery = true
            tcb.ssthresh = max(tcb.flightSize / 2, 2 * mss)
            tcb.recover = tcb.sndMax
            stack.stats.fastRetransmissions &+= 1
            retransmitFirstSegment()
            tcb.cwnd = tcb.ssthresh + 3 * mss
            tcb.retransmitDeadline = stack.now &+ tcb.rto
        }
    }

    /// RFC 6298 (2.2)/(2.3) with a clock granularity of 1 ms.
    private func takeRTTSample(sentAt: UInt64) {
        tcb.rttSample = nil
        let rtt = stack.now &- sentAt
        if tcb.srtt == 0 {
            tcb.srtt = max(rtt, 1)
            tcb.rttvar = rtt / 2
        } else {
            let delta = tcb.srtt > rtt ? tcb.srtt - rtt : rtt - tcb.srtt
            tcb.rttvar = (3 * tcb.rttvar + delta) / 4
            tcb.srtt = (7 * tcb.srtt + rtt) / 8
        }
        let rto = tcb.srtt + max(NetworkParameters.millisecond, 4 * tcb.rttvar)
        tcb.rto = min(max(rto, stack.parameters.tcpMinRTO), stack.parameters.tcpMaxRTO)
    }

    /// Segment text and FIN (RFC 9293 steps seven and eight), with out-of-order reassembly.
    private func processText(_ segment: TCPSegment) {
        var seq = segment.seq
        var payload = segment.payload
        var fin = segment.flags.contains(.fin)
        if tcb.state.acceptsData && !payload.isEmpty {
            if seq < tcb.rcvNxt {
                let overlap = min(tcb.rcvNxt - seq, payload.count)
                payload = UnsafeRawBufferPointer(rebasing: payload[overlap...])
                seq = seq + overlap
            }
            let room = tcb.rcvWnd - (seq - tcb.rcvNxt)
            if payload.count > room {
                payload = UnsafeRawBufferPointer(rebasing: payload[..<max(room, 0)])
                fin = false
                tcb.ackNow = true                                  // tells the sender what was taken
            }
            if !payload.isEmpty { receiveData(seq: seq, payload) }
            guard tcb.state != .closed else { return }              // the user aborted in onReadable
        }
        guard fin, !tcb.finReceived else { return }
        let finSeq = seq + payload.count
        if finSeq == tcb.rcvNxt {
            receiveFIN()
        } else if tcb.rcvNxt < finSeq {
            tcb.outOfOrderFIN = finSeq
            tcb.ackNow = true
        }
    }

    private func receiveData(seq: SeqNum, _ payload: UnsafeRawBufferPointer) {
        guard seq == tcb.rcvNxt else {
            if !tcb.outOfOrder.insert(seq: seq, bytes: payload) { stack.stats.drop(.unacceptableSegment) }
            tcb.ackNow = true                                  // duplicate ACK tells the sender about the hole
            return
        }
        tcb.rcvNxt += tcb.receiveQueue.append(payload)
        if !tcb.outOfOrder.isEmpty {
            tcb.drainOutOfOrder()
            tcb.ackNow = true
        }
        // Delayed ACK: at least every second full-sized segment, otherwise after the timeout.
        tcb.unackedSegments += 1
        if tcb.unackedSegments >= 2 {
            tcb.ackNow = true
        } else if tcb.delayedACKDeadline == nil {
            tcb.delayedACKDeadline = stack.now &+ stack.parameters.tcpDelayedACKTimeout
        }
        if let finSeq = tcb.outOfOrderFIN, finSeq == tcb.rcvNxt { return receiveFIN() }   // reports readability
        onReadable?()
    }

    private func receiveFIN() {
        tcb.rcvNxt += 1
        tcb.finReceived = true
        tcb.outOfOrderFIN = nil
        tcb.ackNow = true
        switch tcb.state {
        case .synReceived, .established: tcb.state = .closeWait
        case .finWait1 where !tcb.finAcked: tcb.state = .closing
        default: break
        }
        // The end of stream is reported before TIME-WAIT reports the close.
        onReadable?()
        if tcb.state == .finWait2 { enterTimeWait() }
    }

    func enterTimeWait() {
        tcb.state = .timeWait
        stopTimers()
        tcb.timeWaitDeadline = stack.now &+ 2 * stack.parameters.tcpMSL
        reportClosed(.normal)
    }
}

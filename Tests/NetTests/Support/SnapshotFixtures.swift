import Net

/// Stacks to save in snapshot tests, built with hand-crafted segments.
enum SnapshotFixtures {
    static let synOptions = TCPPeer.defaultSYNOptions

    /// A stack that knows the peer's MAC, listens on port 80 (backlog 7), and holds one
    /// established connection with `unread` bytes received and `unacknowledged` bytes sent.
    static func peerWithData(unread: Int = 3000, unacknowledged: Int = 2000) throws -> TCPPeer {
        let peer = TCPPeer()
        let listener = try peer.host.stack.tcp.listen(port: 80, backlog: 7)
        listener.onAccept = { [unowned peer] in peer.connection = $0 }
        let synAck = peer.send(flags: .syn, options: synOptions)
        peer.seq += 1
        peer.stackSeq = synAck[0].seq &+ 1
        peer.send(flags: .ack)
        let connection = try requireConnection(peer)
        var sent = 0
        while sent < unread {
            let chunk = min(1000, unread - sent)
            peer.sendData((sent ..< sent + chunk).map { UInt8(truncatingIfNeeded: $0) })
            sent += chunk
        }
        connection.write([UInt8](repeating: 0xAB, count: unacknowledged))
        return peer
    }

    private static func requireConnection(_ peer: TCPPeer) throws -> TCPConnection {
        guard let connection = peer.connection else { throw NetError.socketClosed }
        return connection
    }

    /// The entries `save` writes for `peerWithData()`: the stack record, then one TCP entry.
    static func savedEntries() throws -> [SnapshotArea.Entry] {
        let peer = try peerWithData()
        let area = SnapshotArea(size: 1 << 16)
        try area.save(peer.host.stack, now: peer.host.now)
        return try area.takeEntries()
    }
}

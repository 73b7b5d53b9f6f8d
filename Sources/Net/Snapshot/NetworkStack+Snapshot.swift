import LiveUpdate

/// Saving the stack before a live update and restoring it in the new image (layout in
/// docs/net.md, "Live update"). Callbacks are closures and are not saved: after `restore` the
/// service re-attaches `onAccept`, `onReadable`, `onWritable` and `onClosed`.
extension NetworkStack {
    /// The id of the stack's entries unless the service picks another.
    public static let snapshotEntryID: UInt16 = 0x4E54

    /// Appends the stack as a group of entries with `id`: a BUFFER with the stack record, one
    /// TCP entry per connection, then a MARKER. Timers are stored as the time left after `now`.
    public func save(into storage: inout Storage, id: UInt16 = snapshotEntryID, now: UInt64) throws(StorageError) {
        advanceClock(to: now)
        var writer = SnapshotWriter(now: self.now)
        var stackRecord = StackRecord(self)
        stackRecord.code(&writer)
        try storage.add(id: id, bytes: writer.bytes)
        for connection in tcpTables.connections.values {
            writer.bytes.removeAll(keepingCapacity: true)
            var record = ConnectionRecord(connection)
            record.code(&writer)
            try storage.add(id: id, type: .tcp, bytes: writer.bytes)
        }
        try storage.putMarker(id: id)
    }

    /// Reads a group written by `save` at the cursor into this stack, which must have no
    /// listeners or connections yet, and moves the cursor past the group's marker (skipping
    /// entries a later image added). Timers restart relative to `now`; nothing is sent until a
    /// timer or a received segment calls for it. On error the stack is left unchanged.
    public func restore(from restore: inout Restore, id: UInt16 = snapshotEntryID, now: UInt64) throws(NetSnapshotError) {
        guard tcpTables.connections.isEmpty, tcpTables.listeners.isEmpty else { throw .stackNotEmpty }
        advanceClock(to: now)
        guard restore.type == .buffer, restore.id == id else { throw .missingStackRecord }
        let stackRecord = try Self.decode(restore) { bytes throws(NetSnapshotError) in
            try StackRecord(reading: bytes, now: self.now)
        }
        var listeners: [UInt16: TCPListener] = [:]
        for listener in stackRecord.listeners {
            listeners[listener.port] = TCPListener(port: listener.port, backlog: listener.backlog, stack: self)
        }
        var connections: [TCPConnectionID: TCPConnection] = [:]
        try Self.storage { () throws(StorageError) in try restore.next() }
        while restore.type == .tcp && restore.id == id {
            let record = try Self.decode(restore) { bytes throws(NetSnapshotError) in
                try ConnectionRecord(reading: bytes, for: self)
            }
            let connection = try makeConnection(restoring: record, listeners: listeners)
            guard connections.updateValue(connection, forKey: record.id) == nil else {
                throw .inconsistentConnection(record.id)
            }
            try Self.storage { () throws(StorageError) in try restore.next() }
        }
        try Self.storage { () throws(StorageError) in try restore.popMarker(id: id) }

        config = stackRecord.config
        isnSecret = stackRecord.isnSecret
        ipIdentification = stackRecord.ipIdentification
        nextEphemeralPort = stackRecord.nextEphemeralPort
        for entry in stackRecord.arpEntries {
            if let expires = entry.expires { arp.entries[entry.ip] = ARPTable.Entry(mac: entry.mac, expires: expires) }
        }
        tcpTables.listeners = listeners
        tcpTables.connections = connections
        for connection in connections.values { connection.scheduleTimers() }
    }

    private func makeConnection(
        restoring record: ConnectionRecord, listeners: [UInt16: TCPListener]
    ) throws(NetSnapshotError) -> TCPConnection {
        let connection = TCPConnection(tcb: record.tcb, stack: self)
        connection.isUserVisible = record.isUserVisible
        connection.closeReported = record.closeReported
        connection.writeBlocked = record.writeBlocked
        if let port = record.listenerPort {
            guard let listener = listeners[port] else { throw .inconsistentConnection(record.id) }
            connection.listener = listener
            listener.halfOpenCount += 1
        }
        return connection
    }

    /// Runs `body` on the payload of the entry under the cursor.
    private static func decode<R>(
        _ restore: borrowing Restore, _ body: (UnsafeRawBufferPointer) throws(NetSnapshotError) -> R
    ) throws(NetSnapshotError) -> R {
        let result = try storage { () throws(StorageError) in
            try restore.withBytes { bytes in Result { () throws(NetSnapshotError) in try body(bytes) } }
        }
        return try result.get()
    }

    private static func storage<R>(_ body: () throws(StorageError) -> R) throws(NetSnapshotError) -> R {
        do { return try body() } catch { throw .storage(error) }
    }
}

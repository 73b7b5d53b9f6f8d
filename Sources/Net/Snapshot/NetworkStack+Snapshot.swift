import LiveUpdate

/// Saving the stack before a live update and restoring it in the new image (layout in
/// docs/net.md, "Live update"). Callbacks are closures and are not saved: after `restore` the
/// service re-attaches `onAccept`, `onReadable`, `onWritable` and `onClosed`.
extension NetworkStack {
    /// The id of the stack's entries unless the service picks another.
    public static let snapshotEntryID: UInt16 = 0x4E54

    /// Appends the stack as a group of entries with `id`: a BUFFER with the stack record, a
    /// BUFFER with every connection (`ConnectionRecords`), then a MARKER. Timers are stored as
    /// the time left after `now`. Images before connection records skip the second BUFFER (they
    /// read TCP entries) and restore the stack without its connections.
    public func save(into storage: inout Storage, id: UInt16 = snapshotEntryID, now: UInt64) throws(StorageError) {
        advanceClock(to: now)
        var coder = SnapshotCoder.writer(now: self.now)
        defer { coder.deallocate() }
        try? codeStackRecord(&coder)                                  // writing never throws
        try storage.add(id: id, type: .buffer, bytes: coder.record)
        let connections = tcpTables.connections
        try storage.add(id: id, type: .buffer) { [now = self.now] in ConnectionRecords.write(connections, into: $0, now: now) }
        try storage.putMarker(id: id)
    }

    /// Reads a group written by `save` at the cursor into this stack, which must have no
    /// listeners or connections yet, and moves the cursor past the group's marker (skipping
    /// entries a later image added). Timers restart relative to `now`; nothing is sent until a
    /// timer or a received segment calls for it. On error the stack is left as it was.
    public func restore(from restore: inout Restore, id: UInt16 = snapshotEntryID, now: UInt64) throws(NetSnapshotError) {
        guard tcpTables.connections.isEmpty, tcpTables.listeners.isEmpty else { throw .stackNotEmpty }
        advanceClock(to: now)
        guard restore.type == .buffer, restore.id == id else { throw .missingStackRecord }
        let previous = (config, isnSecret, isnClockOffset, ipIdentification, nextEphemeralPort, arp)
        do throws(NetSnapshotError) {
            var coder = SnapshotCoder.reader(try Self.payload(restore), now: self.now)
            try codeStackRecord(&coder)
            try Self.storage { () throws(StorageError) in try restore.next() }
            let defaults = RestoreDefaults(self)                      // the listeners are restored now
            // Connection records (BUFFER), or one connection per TCP entry as version 1 wrote them.
            while (restore.type == .buffer || restore.type == .tcp) && restore.id == id {
                let entry = try Self.payload(restore)
                if restore.type == .buffer {
                    try ConnectionRecords.read(entry, into: self, defaults)
                } else {
                    try add(restored: TCPConnection.restored(from: entry, into: self, defaults))
                }
                try Self.storage { () throws(StorageError) in try restore.next() }
            }
            try Self.storage { () throws(StorageError) in try restore.popMarker(id: id) }
        } catch {
            (config, isnSecret, isnClockOffset, ipIdentification, nextEphemeralPort, arp) = previous
            tcpTables = TCPTables()
            throw error
        }
    }

    /// Enters a restored connection in the table and the timer heap (which go too if a later
    /// one fails); the same 4-tuple twice is refused.
    func add(restored connection: TCPConnection) throws(NetSnapshotError) {
        guard tcpTables.connections.insertIfAbsent(connection.id, connection) else {
            throw .inconsistentConnection(connection.id)
        }
        connection.scheduleTimers()
    }

    /// The payload of the entry under the cursor. It lies in the storage area, which stays in
    /// place while the area is being resumed, so the view outlives `withBytes`.
    private static func payload(_ restore: borrowing Restore) throws(NetSnapshotError) -> UnsafeRawBufferPointer {
        try storage { () throws(StorageError) in try restore.withBytes { $0 } }
    }

    private static func storage<R>(_ body: () throws(StorageError) -> R) throws(NetSnapshotError) -> R {
        do { return try body() } catch { throw .storage(error) }
    }
}

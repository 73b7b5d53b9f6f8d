import LiveUpdate
import Net

/// What a network service needs to live through updates: its stack (every TCP connection,
/// listeners, ARP cache, addresses) saved before the service's own state and restored after a
/// soft reset; ports that re-attach to restored listeners; the update and rollback listeners.
extension NetworkService {
    /// The stack's group comes first in the storage area, the service's group after it.
    func save(into storage: inout Storage, service: Hotswap.SaveHandler) throws(StorageError) {
        try stack.save(into: &storage, now: Clock.now())
        try service(&storage)
    }

    /// After a soft reset: restores the stack, then lets `restoreService` read the service's
    /// group. On trial the area stays valid until the update is confirmed. When nothing can be
    /// restored, an update on trial fails (rollback); after a rollback the service starts
    /// fresh. Returns whether the state was restored.
    func resume(_ restoreService: (inout Restore) throws(StorageError) -> Void) -> Bool {
        guard SoftResetBoot.happened else { return false }
        var snapshotFailure: NetSnapshotError?
        do throws(StorageError) {
            try LiveUpdate.resume(at: StorageArea.pointer, limit: StorageArea.size, keeping: Trial.isPending) {
                (restore: inout Restore) throws(StorageError) in
                FaultInjection.duringResume()
                do throws(NetSnapshotError) {
                    try stack.restore(from: &restore, now: Clock.now())
                } catch {
                    snapshotFailure = error
                    throw .markerNotFound
                }
                try restoreService(&restore)
            }
            UpdateDowntime.stateRestored()
            return true
        } catch {
            if Trial.purpose == .update {
                Trial.failed(snapshotFailure == nil ? "the service could not resume its state" : "the network stack could not be restored")
            }
            return false
        }
    }

    /// The service serves again: the downtime ends, an update on trial is confirmed when
    /// `confirm` says so, and after a soft reset what was left unprinted while down (console
    /// output counts as downtime) is printed: the boot timeline, the downtime and the device report.
    func serving(_ name: String, confirm: Bool) {
        UpdateDowntime.serviceResumed()
        Console.release()
        if confirm { Trial.confirm() }
        guard SoftResetBoot.happened else { return }
        BootTimeline.print()
        UpdateDowntime.last?.print()
        report(name)
    }

    /// The listener on `port`: the one restored from the previous kernel, or a new one.
    func listen(port: UInt16, backlog: Int) throws(NetError) -> TCPListener {
        if let restored = stack.tcp.listener(port: port) { return restored }
        return try stack.tcp.listen(port: port, backlog: backlog)
    }

    /// Connections to `port` that the previous kernel's service had accepted (not half-open,
    /// not closing down in TIME-WAIT): the service re-attaches its sessions to them.
    func restoredConnections(port: UInt16) -> [TCPConnection] {
        stack.tcp.connections(localPort: port).filter { connection in
            connection.state != .synReceived && connection.state != .timeWait && connection.state != .closed
        }
    }

    /// The listener that registers the known-good image, and the update listener, which saves
    /// the stack and then the service's state with `save`.
    func openUpdatePorts(save: @escaping Hotswap.SaveHandler) throws(NetError) -> [UpdateListener] {
        let rollback = try UpdateListener(network: self, role: .rollbackImage) { _ throws(StorageError) in }
        let update = try UpdateListener(network: self, role: .update) { (storage: inout Storage) throws(StorageError) in
            try self.save(into: &storage, service: save)
        }
        return [rollback, update]
    }
}

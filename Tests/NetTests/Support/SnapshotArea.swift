import LiveUpdate
import Net

/// A heap-allocated LiveUpdate storage area in which tests save and restore stacks.
final class SnapshotArea {
    typealias Entry = (type: EntryType, bytes: [UInt8])

    let size: Int
    let pointer: UnsafeMutableRawPointer

    init(size: Int = 16 << 20) {
        self.size = size
        pointer = .allocate(byteCount: size, alignment: 8)
    }

    deinit { pointer.deallocate() }

    /// Saves `stack` as the only group in the area; returns the stored size.
    @discardableResult
    func save(_ stack: NetworkStack, now: UInt64) throws -> Int {
        try LiveUpdate.store(at: pointer, limit: size) { (storage: inout Storage) throws(StorageError) in
            try stack.save(into: &storage, now: now)
        }
    }

    /// Stores hand-made entries with the stack's id, closed by the marker.
    func store(_ entries: [Entry]) throws {
        try LiveUpdate.store(at: pointer, limit: size) { (storage: inout Storage) throws(StorageError) in
            for entry in entries {
                try storage.add(id: NetworkStack.snapshotEntryID, type: entry.type, bytes: entry.bytes)
            }
            try storage.putMarker(id: NetworkStack.snapshotEntryID)
        }
    }

    /// Reads the stored group's entries (which consumes the area, as a resume does).
    func takeEntries() throws -> [Entry] {
        var entries: [Entry] = []
        try LiveUpdate.resume(at: pointer, limit: size) { (restore: inout Restore) throws(StorageError) in
            while !restore.isMarker {
                entries.append((restore.type, try restore.asBytes()))
                try restore.next()
            }
        }
        return entries
    }

    /// Restores the area into `stack`; returns the stack's error, if any.
    func restore(into stack: NetworkStack, now: UInt64) throws -> NetSnapshotError? {
        var failure: NetSnapshotError?
        try LiveUpdate.resume(at: pointer, limit: size) { (restore: inout Restore) throws(StorageError) in
            do throws(NetSnapshotError) { try stack.restore(from: &restore, now: now) } catch { failure = error }
        }
        return failure
    }
}

import LiveUpdate

/// Why a saved network stack could not be restored. Offsets are byte offsets inside the entry
/// (the stack record, the connection records, or a version-1 connection's TCP entry) where the
/// offending field starts.
public enum NetSnapshotError: Error, Sendable {
    /// The storage cursor refused a read or move.
    case storage(StorageError)
    /// The entry under the cursor is not the stack record written by `save(into:id:now:)`.
    case missingStackRecord
    /// A record written by a format version this image does not know.
    case unsupportedVersion(UInt16)
    /// A record ends inside a field.
    case truncated(offset: Int)
    /// A field holds a value no running stack produces (a window scale above 14, an unknown state, ...).
    case invalidValue(offset: Int)
    /// Queued bytes that do not fit the buffers this image is configured with.
    case bufferTooSmall(needed: Int, configured: Int)
    /// A connection whose fields contradict each other, or that appears twice.
    case inconsistentConnection(TCPConnectionID)
    /// A port listed twice among the listeners.
    case duplicateListener(UInt16)
    /// `restore` needs a stack without listeners or connections.
    case stackNotEmpty
}

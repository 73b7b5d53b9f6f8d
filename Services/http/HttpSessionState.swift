import Kernel

/// What a connection's session holds between callbacks, and saves across an update next to
/// the connection's id. Its unread input is not here: requests are parsed in place and only
/// consumed once answered, so the kernel keeps a half-received one in the connection.
struct HttpSessionState {
    /// What the deadline waits for: the next request (idle), or the rest of a request head.
    enum Wait: UInt8 { case idle = 0, head = 1 }

    static let layout: UInt8 = 1
    /// id, layout, flags, remaining nanoseconds.
    static let headerSize = TCPConnectionID.byteCount + 2 + 8

    /// Response bytes the send buffer did not take yet.
    var unsent: ArraySlice<UInt8> = []
    /// The connection closes once `unsent` is sent (an error, `Connection: close`, HTTP/1.0).
    var closing = false
    var wait = Wait.idle
    /// `System.now` at which `wait` ends; after `decode`, the nanoseconds that were left.
    var deadline: UInt64 = 0

    func encoded(_ id: TCPConnectionID, now: UInt64) -> [UInt8] {
        var bytes = id.bytes
        bytes.reserveCapacity(Self.headerSize + unsent.count)
        bytes.append(Self.layout)
        bytes.append((closing ? 1 : 0) | wait.rawValue << 1)
        let remaining = deadline > now ? deadline - now : 0
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: remaining >> UInt64(shift))) }
        bytes.append(contentsOf: unsent)
        return bytes
    }

    /// The id and the state in `bytes`; nil for a layout this image does not know.
    static func decode(_ bytes: [UInt8]) -> (TCPConnectionID, HttpSessionState)? {
        guard bytes.count >= headerSize, bytes[TCPConnectionID.byteCount] == layout,
              let id = TCPConnectionID(bytes: bytes[...]) else { return nil }
        let flags = bytes[TCPConnectionID.byteCount + 1]
        var state = HttpSessionState()
        state.closing = flags & 1 != 0
        state.wait = Wait(rawValue: (flags >> 1) & 1) ?? .idle
        let start = TCPConnectionID.byteCount + 2
        state.deadline = (0..<8).reduce(0) { $0 | UInt64(bytes[start + $1]) << UInt64($1 * 8) }
        state.unsent = bytes[headerSize...]
        return (id, state)
    }
}

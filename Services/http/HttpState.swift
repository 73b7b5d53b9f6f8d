import Kernel

/// What the server keeps across updates besides its connections' sessions: requests answered,
/// the uptime of earlier images and the number of updates. Entries by id; an image that does
/// not know an id skips it.
struct HttpState {
    enum ID: UInt16 {
        case requests = 1, uptime, updates, session
    }

    var requests: Int64 = 0
    /// Nanoseconds run by earlier images.
    var uptimeBefore: UInt64 = 0
    var updates: Int64 = 0

    func save(into storage: inout Storage, uptimeNow: UInt64) throws(StorageError) {
        try storage.add(id: ID.requests.rawValue, requests)
        try storage.add(id: ID.uptime.rawValue, Int64(bitPattern: uptimeBefore + uptimeNow))
        try storage.add(id: ID.updates.rawValue, updates)
    }

    mutating func restore(from restore: inout Restore) throws(StorageError) {
        try restore.forEachEntry { (entry: borrowing Restore) throws(StorageError) in
            switch ID(rawValue: entry.id) {
            case .requests?: requests = try entry.asInt64()
            case .uptime?: uptimeBefore = UInt64(bitPattern: try entry.asInt64())
            case .updates?: updates = try entry.asInt64()
            case .session?: HttpSession.restore(try entry.asBytes())
            case nil: break
            }
        }
    }
}

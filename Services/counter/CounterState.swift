import Kernel

/// What the counter keeps across updates, as entries identified by id in its group of the
/// storage area. Restoring reads entries by id up to the group's marker, so an image that adds
/// or drops a field still reads (or skips) what an older or newer one wrote.
struct CounterState {
    static let historyLimit = 32

    enum ID: UInt16 {
        case count = 1, boots, uptime, history, record, session
    }

    /// A plain struct stored as one entry; `layout` names its version, so an image that
    /// changes it can recognise (or ignore) an old one.
    struct UpdateRecord: BitwiseCopyable {
        static let currentLayout: UInt32 = 1
        var layout = currentLayout
        var updates: UInt32 = 0
        var lastDowntime: UInt64 = 0
    }

    /// Requests answered.
    var count: Int64 = 0
    /// Boots, soft resets included.
    var boots: Int64 = 0
    /// Nanoseconds run by earlier images.
    var uptimeBefore: UInt64 = 0
    /// Version labels of the images that ran, oldest first (the last `historyLimit`).
    var history: [String] = []
    var record = UpdateRecord()

    func save(into storage: inout Storage, uptimeNow: UInt64) throws(StorageError) {
        try storage.add(id: ID.count.rawValue, count)
        try storage.add(id: ID.boots.rawValue, boots)
        try storage.add(id: ID.uptime.rawValue, Int64(bitPattern: uptimeBefore + uptimeNow))
        try storage.add(id: ID.history.rawValue, history)
        try storage.add(id: ID.record.rawValue, record)
    }

    mutating func restore(from restore: inout Restore) throws(StorageError) {
        try restore.forEachEntry { (entry: borrowing Restore) throws(StorageError) in
            switch ID(rawValue: entry.id) {
            case .count?: count = try entry.asInt64()
            case .boots?: boots = try entry.asInt64()
            case .uptime?: uptimeBefore = UInt64(bitPattern: try entry.asInt64())
            case .history?: history = try entry.asStrings()
            case .record?:
                let stored = try entry.as(UpdateRecord.self)
                if stored.layout == UpdateRecord.currentLayout { record = stored }
            case .session?: CounterSession.restoreLine(try entry.asBytes())
            case nil: break
            }
        }
    }

    /// A new image started: count its boot and note its version.
    mutating func recordBoot(version: String, downtime: UInt64?) {
        boots += 1
        history = Array((history + [version]).suffix(Self.historyLimit))
        if let downtime {
            record.updates += 1
            record.lastDowntime = downtime
        }
    }
}

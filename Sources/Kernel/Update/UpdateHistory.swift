import LiveUpdate

/// What this kernel knows of the images since the last cold boot: their uptime, the updates
/// that confirmed, and the outcome of the last update with its reason. Adopted from the
/// soft-reset block, handed on in the next one, and told to `liu status` and `liu push`.
/// Held inline, not in the heap: a rollback resets the heap before it notes its reason.
enum UpdateHistory {
    nonisolated(unsafe) private(set) static var uptimeBefore: UInt64 = 0
    nonisolated(unsafe) private(set) static var updates: UInt32 = 0
    nonisolated(unsafe) private(set) static var outcome = UpdateRecord.Outcome.none
    nonisolated(unsafe) private static var labelBytes = InlineBytes<16>()
    nonisolated(unsafe) private static var reasonBytes = InlineBytes<92>()

    /// After a soft reset, once the heap exists: the previous kernel's record.
    static func adopt(_ record: UpdateRecord) {
        uptimeBefore = record.uptimeBefore
        updates = record.updates
        outcome = record.outcome
        labelBytes.set(record.label)
        reasonBytes.set(record.reason)
    }

    /// The record for the next image: this kernel's uptime added.
    static var forNextImage: UpdateRecord {
        var next = UpdateRecord()
        next.uptimeBefore = uptime
        next.updates = updates
        next.outcome = outcome
        next.label = labelBytes.array
        next.reason = reasonBytes.array
        return next
    }

    /// Nanoseconds since the last cold boot, across updates.
    static var uptime: UInt64 { uptimeBefore &+ Clock.now() }

    static func note(_ outcome: UpdateRecord.Outcome, label: String, reason: String = "") {
        self.outcome = outcome
        labelBytes.set(label)
        reasonBytes.set(reason)
        if outcome == .confirmed { updates &+= 1 }
    }

    /// "confirmed", "rolled-back", ... for the status line.
    static var outcomeName: StaticString {
        switch outcome {
        case .none: "none"
        case .confirmed: "confirmed"
        case .rolledBack: "rolled-back"
        case .abandoned: "abandoned"
        case .refused: "refused"
        }
    }

    static var label: String { labelBytes.string }
    static var reason: String { reasonBytes.string }
}

/// Up to `capacity` bytes held inline; longer input is cut.
struct InlineBytes<let capacity: Int> {
    private var storage = InlineArray<capacity, UInt8>(repeating: 0)
    private var count = 0

    mutating func set(_ bytes: some Sequence<UInt8>) {
        count = 0
        for byte in bytes where count < capacity {
            storage[count] = byte
            count += 1
        }
    }

    /// `set` with a String's UTF-8.
    mutating func set(_ text: String) {
        text.withNativeUTF8 { set($0) }
    }

    var array: [UInt8] { (0..<count).map { storage[$0] } }
    var string: String { String(decoding: array, as: UTF8.self) }
}

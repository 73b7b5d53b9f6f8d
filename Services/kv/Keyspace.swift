import Kernel

/// A key's value and its expiry deadline: milliseconds on the service clock (`ServiceClock`),
/// which goes on across updates, or 0 for none.
struct Entry {
    var value: Value
    var deadline: UInt64
}

/// The one database (db 0): keys to entries, with lazy expiry on access and an incremental
/// sweep for keys nobody reads.
final class Keyspace {
    private(set) var table = HashMap<Bytes, Entry>()
    /// Keys with a deadline (INFO's `expires=`).
    private(set) var volatileCount = 0
    let clock: ServiceClock
    private var sweepCursor = 0

    init(clock: ServiceClock) { self.clock = clock }

    var count: Int { table.count }

    /// The key's entry, unless it expired (then it is removed on the way).
    func entry(_ key: Bytes) -> Entry? {
        guard let entry = table[key] else { return nil }
        guard !isExpired(entry) else {
            remove(key)
            return nil
        }
        return entry
    }

    func value(_ key: Bytes) -> Value? { entry(key)?.value }
    func exists(_ key: Bytes) -> Bool { entry(key) != nil }

    /// Stores `value` under `key` with `deadline` (0: none), replacing what was there.
    func set(_ key: Bytes, _ value: Value, deadline: UInt64 = 0) {
        if let old = table[key] { release(key, old) }
        table[key] = Entry(value: value, deadline: deadline)
        UsedMemory.bytes += key.count + UsedMemory.keyOverhead + value.cost
        if deadline != 0 { volatileCount += 1 }
    }

    /// Replaces a string's bytes and keeps its deadline (APPEND, INCR).
    func replaceString(_ key: Bytes, _ bytes: Bytes) {
        set(key, .string(bytes), deadline: table[key]?.deadline ?? 0)
    }

    /// Sets or clears (0) the deadline of an existing key; whether the key exists.
    @discardableResult
    func setDeadline(_ key: Bytes, _ deadline: UInt64) -> Bool {
        guard var entry = entry(key) else { return false }
        volatileCount += (deadline != 0 ? 1 : 0) - (entry.deadline != 0 ? 1 : 0)
        entry.deadline = deadline
        table[key] = entry
        return true
    }

    @discardableResult
    func remove(_ key: Bytes) -> Bool {
        guard let old = table.removeValue(forKey: key) else { return false }
        release(key, old)
        return true
    }

    /// Removes a list, hash or set that its last element left (Redis keeps no empty ones).
    func removeIfEmpty(_ key: Bytes, count: Int) {
        if count == 0 { remove(key) }
    }

    func removeAll() {
        table = HashMap()
        volatileCount = 0
        UsedMemory.bytes = 0
        sweepCursor = 0
    }

    /// One step of SCAN: from slot `cursor`, the live keys of up to `count` occupied slots
    /// that `include` accepts, and the cursor to continue from (0 at the end).
    func scan(from cursor: Int, count: Int, include: (Bytes, Entry) -> Bool) -> (next: Int, keys: [Bytes]) {
        var keys: [Bytes] = []
        var slot = cursor
        var visited = 0
        while slot < table.slotCount && visited < count {
            if let element = table.element(inSlot: slot) {
                visited += 1
                if !isExpired(element.value) && include(element.key, element.value) { keys.append(element.key) }
            }
            slot += 1
        }
        return (slot < table.slotCount ? slot : 0, keys)
    }

    /// The active expiry: looks at `slots` slots from where the last sweep stopped and removes
    /// the keys whose deadline passed.
    func sweep(slots: Int) {
        guard volatileCount > 0, table.slotCount > 0 else { return }
        var expired: [Bytes] = []
        for _ in 0..<min(slots, table.slotCount) {
            sweepCursor = sweepCursor >= table.slotCount - 1 ? 0 : sweepCursor + 1
            if let element = table.element(inSlot: sweepCursor), isExpired(element.value) { expired.append(element.key) }
        }
        for key in expired { remove(key) }
    }

    private func isExpired(_ entry: Entry) -> Bool {
        entry.deadline != 0 && entry.deadline <= clock.milliseconds
    }

    private func release(_ key: Bytes, _ entry: Entry) {
        UsedMemory.bytes -= key.count + UsedMemory.keyOverhead + entry.value.cost
        if entry.deadline != 0 { volatileCount -= 1 }
    }
}

/// Milliseconds since the service first booted, across updates: each image's `System.now`
/// starts again at zero, so the time earlier images ran is saved and added (the downtime of
/// an update is not counted: deadlines pause while no image runs).
final class ServiceClock {
    /// Milliseconds run by earlier images.
    var before: UInt64 = 0
    var system: System?

    var milliseconds: UInt64 { before + (system?.now ?? 0) / 1_000_000 }
}

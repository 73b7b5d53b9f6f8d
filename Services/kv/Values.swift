import Kernel

/// The values a key holds. Lists, hashes and sets are classes so that a command changes them
/// in place: a struct inside the key table would be copied whole by each change.
enum Value {
    case string(Bytes)
    case list(ListValue)
    case hash(HashValue)
    case set(SetValue)

    /// What TYPE answers.
    var typeName: StaticString {
        switch self {
        case .string: "string"
        case .list: "list"
        case .hash: "hash"
        case .set: "set"
        }
    }

    /// The bytes the value accounts for against maxmemory (see `UsedMemory`).
    var cost: Int {
        switch self {
        case .string(let bytes): bytes.count
        case .list(let list): list.cost
        case .hash(let hash): hash.cost
        case .set(let set): set.cost
        }
    }
}

/// An estimate of the memory the keyspace holds, the figure maxmemory is checked against and
/// INFO reports: the bytes of keys and values plus a fixed overhead per key and per element.
enum UsedMemory {
    static let keyOverhead = 64
    static let elementOverhead = 32
    nonisolated(unsafe) static var bytes = 0
}

/// A container whose cost is kept up to date as it changes, in itself and in `UsedMemory`.
class MeteredValue {
    private(set) var cost = 0

    final func account(_ delta: Int) {
        cost += delta
        UsedMemory.bytes += delta
    }
}

/// A list: a ring buffer, so that pushes and pops at both ends take constant time.
final class ListValue: MeteredValue {
    private var ring: [Bytes] = Array(repeating: [], count: 8)
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    subscript(index: Int) -> Bytes { ring[(head + index) & (ring.count - 1)] }

    func pushFront(_ element: Bytes) {
        growIfFull()
        head = (head - 1) & (ring.count - 1)
        ring[head] = element
        added(element)
    }

    func pushBack(_ element: Bytes) {
        growIfFull()
        ring[(head + count) & (ring.count - 1)] = element
        added(element)
    }

    func popFront() -> Bytes? {
        guard count > 0 else { return nil }
        let element = ring[head]
        ring[head] = []
        head = (head + 1) & (ring.count - 1)
        removed(element)
        return element
    }

    func popBack() -> Bytes? {
        guard count > 0 else { return nil }
        let slot = (head + count - 1) & (ring.count - 1)
        let element = ring[slot]
        ring[slot] = []
        removed(element)
        return element
    }

    private func added(_ element: Bytes) {
        count += 1
        account(element.count + UsedMemory.elementOverhead)
    }

    private func removed(_ element: Bytes) {
        count -= 1
        account(-(element.count + UsedMemory.elementOverhead))
    }

    private func growIfFull() {
        guard count == ring.count else { return }
        var larger: [Bytes] = []
        larger.reserveCapacity(ring.count * 2)
        for index in 0..<count { larger.append(self[index]) }
        larger += Array(repeating: [], count: ring.count)
        ring = larger
        head = 0
    }
}

/// A hash: field to value.
final class HashValue: MeteredValue {
    private(set) var fields = HashMap<Bytes, Bytes>()

    var count: Int { fields.count }
    subscript(field: Bytes) -> Bytes? { fields[field] }

    /// Sets `field`; whether it is new.
    @discardableResult
    func set(_ field: Bytes, _ value: Bytes) -> Bool {
        let old = fields[field]
        if let old { account(-old.count) } else { account(field.count + UsedMemory.elementOverhead) }
        account(value.count)
        fields[field] = value
        return old == nil
    }

    func remove(_ field: Bytes) -> Bool {
        guard let old = fields.removeValue(forKey: field) else { return false }
        account(-(field.count + old.count + UsedMemory.elementOverhead))
        return true
    }

}

/// A set of members.
final class SetValue: MeteredValue {
    private(set) var members = HashMap<Bytes, Bool>()

    var count: Int { members.count }
    func contains(_ member: Bytes) -> Bool { members[member] != nil }

    /// Adds `member`; whether it was new.
    func add(_ member: Bytes) -> Bool {
        guard members[member] == nil else { return false }
        members[member] = true
        account(member.count + UsedMemory.elementOverhead)
        return true
    }

    func remove(_ member: Bytes) -> Bool {
        guard members.removeValue(forKey: member) != nil else { return false }
        account(-(member.count + UsedMemory.elementOverhead))
        return true
    }

    /// A member picked at random (SPOP): a random slot, then the next occupied one.
    func randomMember(_ random: inout RandomBits) -> Bytes? {
        guard count > 0 else { return nil }
        let slots = members.slotCount
        var slot = Int(truncatingIfNeeded: random.next() & UInt64(slots - 1))
        while true {
            if let element = members.element(inSlot: slot) { return element.key }
            slot = (slot + 1) & (slots - 1)
        }
    }

}

/// xorshift64: SPOP's random choices (no cryptographic need).
struct RandomBits {
    var state: UInt64

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

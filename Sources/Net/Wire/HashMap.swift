/// A hash map with open addressing (linear probing, backward-shift deletion) whose sizing is
/// integer-only. The standard library's Dictionary sizes its table with floating point, which
/// the x86 kernels (built without SSE) do on the x87; some hypervisors' instruction emulators
/// (kvm-pvm) refuse x87, so the kernel and the stack keep their tables here.
public struct HashMap<Key: Hashable, Value>: Sequence {
    public typealias Element = (key: Key, value: Value)

    private var slots: [Element?] = []
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }
    public var values: LazyMapSequence<HashMap, Value> { lazy.map { $0.value } }

    public subscript(key: Key) -> Value? {
        get { find(key).map { slots[$0]!.value } }
        set {
            if let value = newValue { insert(key, value) } else { removeValue(forKey: key) }
        }
    }

    @discardableResult
    public mutating func removeValue(forKey key: Key) -> Value? {
        guard var hole = find(key) else { return nil }
        let removed = slots[hole]!.value
        slots[hole] = nil
        count -= 1
        // Backward shift: move later members of the probe run into the hole when their home
        // slot does not lie (cyclically) after the hole, so lookups never stop early.
        var next = successor(hole)
        while let element = slots[next] {
            let home = self.home(element.key)
            if distance(from: home, to: next) >= distance(from: hole, to: next) {
                slots[hole] = element
                slots[next] = nil
                hole = next
            }
            next = successor(next)
        }
        return removed
    }

    public mutating func removeAll(where shouldBeRemoved: (Element) -> Bool) {
        let doomed = filter(shouldBeRemoved).map { $0.key }
        for key in doomed { removeValue(forKey: key) }
    }

    /// The table's slots, for a walk that spans calls with a slot index as its cursor (the
    /// kv service's SCAN and expiry sweep): a cursor stays meaningful while the table does not
    /// grow; removals may shift a later element back past it.
    public var slotCount: Int { slots.count }
    public func element(inSlot index: Int) -> Element? { slots[index] }

    public func makeIterator() -> Iterator { Iterator(slots: slots) }

    public struct Iterator: IteratorProtocol {
        fileprivate let slots: [Element?]
        fileprivate var index = 0

        public mutating func next() -> Element? {
            while index < slots.count {
                defer { index += 1 }
                if let element = slots[index] { return element }
            }
            return nil
        }
    }

    /// Makes room for `capacity` members in all, so that inserting up to that many rehashes no more.
    public mutating func reserveCapacity(_ capacity: Int) {
        var slotCount = Swift.max(16, slots.count)
        while capacity * 4 > slotCount * 3 { slotCount *= 2 }
        if slotCount > slots.count { rehash(capacity: slotCount) }
    }

    /// Inserts `value` unless `key` is already present; returns whether it did. One probe run
    /// instead of the lookup and insertion of `self[key] == nil`, then `self[key] = value`.
    /// Probes through the buffer, reading only the members' keys: a restore inserts every
    /// connection here, and copying each member out of the array retained its value.
    public mutating func insertIfAbsent(_ key: Key, _ value: Value) -> Bool {
        if (count + 1) * 4 > slots.count * 3 { rehash(capacity: Swift.max(16, slots.count * 2)) }
        let inserted = slots.withUnsafeMutableBufferPointer { slots in
            let (index, isPresent) = Self.probe(for: key, in: UnsafeBufferPointer(slots))
            if !isPresent { slots[index] = (key, value) }
            return !isPresent
        }
        if inserted { count += 1 }
        return inserted
    }

    private mutating func insert(_ key: Key, _ value: Value) {
        if let index = find(key) { return slots[index] = (key, value) }
        // Grow at a load factor of 3/4.
        if (count + 1) * 4 > slots.count * 3 { rehash(capacity: Swift.max(16, slots.count * 2)) }
        placeInFreeSlot((key, value))
        count += 1
    }

    private func find(_ key: Key) -> Int? {
        guard !slots.isEmpty else { return nil }
        let (index, isPresent) = slots.withUnsafeBufferPointer { Self.probe(for: key, in: $0) }
        return isPresent ? index : nil
    }

    /// Walks `key`'s probe run in `slots` (a power of two of them, not all full): the slot that
    /// holds it, or the free slot that ends the run.
    @inline(__always)
    private static func probe(for key: Key, in slots: UnsafeBufferPointer<Element?>) -> (index: Int, isPresent: Bool) {
        let mask = slots.count - 1
        var index = key.hashValue & mask
        while slots[index] != nil {
            if Self.key(at: slots.baseAddress! + index) == key { return (index, true) }
            index = (index + 1) & mask
        }
        return (index, false)
    }

    private mutating func rehash(capacity: Int) {
        let old = slots
        slots = Array(repeating: nil, count: capacity)
        for case let element? in old { placeInFreeSlot(element) }
    }

    /// Puts a key that is not in the table into the first free slot of its probe run.
    private mutating func placeInFreeSlot(_ element: Element) {
        var index = home(element.key)
        while slots[index] != nil { index = successor(index) }
        slots[index] = element
    }

    /// The key of the member at `slot`, read where it lies: an optional tuple keeps its first
    /// element at its start. Copying the member out to read it retained and released its value
    /// (Embedded Swift, -Osize), about 20 instructions a probe step.
    @inline(__always)
    private static func key(at slot: UnsafePointer<Element?>) -> Key {
        UnsafeRawPointer(slot).load(as: Key.self)
    }

    /// The capacity is a power of two, so masking picks the slot.
    private func home(_ key: Key) -> Int { key.hashValue & (slots.count - 1) }
    private func successor(_ index: Int) -> Int { (index + 1) & (slots.count - 1) }
    private func distance(from start: Int, to end: Int) -> Int { (end - start) & (slots.count - 1) }
}

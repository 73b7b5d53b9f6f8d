/// A binary min-heap of items ordered by deadline (ties in insertion order).
struct DeadlineHeap<Item> {
    private struct Entry {
        var deadline: UInt64
        var order: UInt64
        var item: Item

        func precedes(_ other: Entry) -> Bool {
            deadline != other.deadline ? deadline < other.deadline : order < other.order
        }
    }

    private var entries: [Entry] = []
    private var insertions: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    var earliest: UInt64? { entries.first?.deadline }

    mutating func insert(_ item: Item, deadline: UInt64) {
        insertions &+= 1
        entries.append(Entry(deadline: deadline, order: insertions, item: item))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Drops every item matching `isDead` and restores the heap order (bottom-up, O(n)).
    mutating func removeAll(where isDead: (Item) -> Bool) {
        entries.removeAll { isDead($0.item) }
        var parent = entries.count / 2
        while parent > 0 {
            parent -= 1
            siftDown(from: parent)
        }
    }

    /// Removes and returns the earliest item if its deadline is at or before `now`.
    mutating func popDue(now: UInt64) -> (deadline: UInt64, item: Item)? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown(from: 0)
        }
        return (first.deadline, first.item)
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].precedes(entries[smallest]) { smallest = left }
            if right < entries.count, entries[right].precedes(entries[smallest]) { smallest = right }
            if smallest == parent { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}

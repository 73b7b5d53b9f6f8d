import TestSupport
import Testing
@testable import Net

@Suite struct DataStructureTests {
    @Test func deadlineHeapPopsInDeadlineThenInsertionOrder() {
        var heap = DeadlineHeap<Int>()
        var random = SplitMix64(seed: 3)
        let reference = (0 ..< 500).map { (deadline: random.below(100), item: $0) }
        for (deadline, item) in reference { heap.insert(item, deadline: deadline) }
        var popped: [(UInt64, Int)] = []
        while let next = heap.popDue(now: 50) { popped.append((next.deadline, next.item)) }
        let expected = reference.filter { $0.deadline <= 50 }.sorted { ($0.deadline, $0.item) < ($1.deadline, $1.item) }
        #expect(popped.map(\.1) == expected.map(\.item))
        #expect(heap.count == reference.count - expected.count)
        #expect(heap.earliest.map { $0 > 50 } == true)
    }

    @Test func byteRingWrapsGrowsAndRespectsLimit() {
        var ring = ByteRing(limit: 5000)
        var model: [UInt8] = []
        var random = SplitMix64(seed: 4)
        var next: UInt8 = 0
        for _ in 0 ..< 2000 {
            if random.chance(55) {
                let chunk = (0 ..< Int(random.below(700))).map { _ in next &+= 1; return next }
                let taken = chunk.withUnsafeBytes { ring.append($0) }
                #expect(taken == min(chunk.count, 5000 - model.count))
                model += chunk[..<taken]
                next = model.last ?? next
            } else {
                var out = [UInt8](repeating: 0, count: Int(random.below(900)))
                let count = out.withUnsafeMutableBytes { ring.read(into: $0) }
                #expect(Array(out[..<count]) == Array(model[..<count]))
                model.removeFirst(count)
            }
            #expect(ring.count == model.count)
        }
        if model.count > 10 {
            var middle = [UInt8](repeating: 0, count: 10)
            middle.withUnsafeMutableBytes { ring.copy(offset: model.count - 10, length: 10, into: $0.baseAddress!) }
            #expect(middle == Array(model.suffix(10)))
        }
    }

    @Test func outOfOrderQueueMatchesAModel() {
        var random = SplitMix64(seed: 5)
        for _ in 0 ..< 50 {
            let base = SeqNum(UInt32.max - 3000)             // exercises wrap-around
            let stream = (0 ..< 6000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            var queue = OutOfOrderQueue()
            var held = Set<Int>()
            for _ in 0 ..< 30 {
                let start = 1 + Int(random.below(5000))
                let length = 1 + Int(random.below(400))
                let end = min(start + length, stream.count)
                let inserted = stream.withUnsafeBytes {
                    queue.insert(seq: base + start, bytes: UnsafeRawBufferPointer(rebasing: $0[start ..< end]))
                }
                if inserted { held.formUnion(start ..< end) }
            }
            #expect(queue.byteCount == held.count)
            var ring = ByteRing(limit: 10000)
            stream.withUnsafeBytes { _ = ring.append(UnsafeRawBufferPointer(rebasing: $0[..<1])) }
            let next = queue.drain(from: base + 1, into: &ring)
            var contiguous = 1
            while held.contains(contiguous) { contiguous += 1 }
            #expect(next == base + contiguous)
            var out = [UInt8](repeating: 0, count: ring.count)
            _ = out.withUnsafeMutableBytes { ring.read(into: $0) }
            #expect(out == Array(stream[..<contiguous]))
        }
    }

    @Test func sequenceNumbersCompareModulo32Bits() {
        let near = SeqNum(UInt32.max - 10)
        let wrapped = near + 20
        #expect(near < wrapped && wrapped > near)
        #expect(wrapped - near == 20)
        #expect(near - wrapped == -20)                          // signed, also on 32-bit targets
        #expect(SeqNum(5) - UInt32(10) == SeqNum(UInt32.max - 4))
    }

    @Test func sipHashReferenceVector() {
        // Reference test vectors: key 00..0f, the 8-byte message 00..07 hashes to 93f5f5799a932462.
        let key = (UInt64(0x0706_0504_0302_0100), UInt64(0x0F0E_0D0C_0B0A_0908))
        #expect(SipHash24.hash([0x0706_0504_0302_0100], key: key) == 0x93F5_F579_9A93_2462)
    }

    /// Keys that collide in threes, so probe runs are long and wrap around the table.
    private struct CollidingKey: Hashable {
        let value: Int
        func hash(into hasher: inout Hasher) { hasher.combine(value % 3) }
    }

    @Test func hashMapMatchesDictionaryUnderInsertsRemovalsAndCollisions() {
        var map = HashMap<CollidingKey, Int>()
        var model: [CollidingKey: Int] = [:]
        var random = SplitMix64(seed: 5)
        for step in 0 ..< 20_000 {
            let key = CollidingKey(value: Int(random.below(step < 10_000 ? 200 : 40)))
            switch random.below(5) {
            case 0, 1: map[key] = step; model[key] = step
            case 2: #expect(map.removeValue(forKey: key) == model.removeValue(forKey: key))
            case 3:
                let inserted = map.insertIfAbsent(key, step)
                #expect(inserted == (model[key] == nil))
                if model[key] == nil { model[key] = step }
            default: map[key] = nil; model[key] = nil
            }
            #expect(map[key] == model[key])
            #expect(map.count == model.count)
        }
        for (key, value) in model { #expect(map[key] == value) }
        #expect(Dictionary(uniqueKeysWithValues: map.map { ($0.key, $0.value) }) == model)
        map.removeAll { $0.value % 2 == 0 }
        #expect(map.count == model.values.filter { $0 % 2 != 0 }.count)
        #expect(map.values.allSatisfy { $0 % 2 != 0 })
    }

    /// Keys with storage of their own (strings) and class values: `insertIfAbsent` reads each
    /// member's key where it lies in the table.
    private struct CollidingName: Hashable {
        let name: String
        func hash(into hasher: inout Hasher) { hasher.combine(name.utf8.count % 4) }
    }
    private final class Box { let value: Int; init(_ value: Int) { self.value = value } }

    @Test func insertIfAbsentFindsKeysWithStorageAmongCollisions() {
        var map = HashMap<CollidingName, Box>()
        let names = (0 ..< 300).map { CollidingName(name: String(repeating: "n", count: $0 % 7) + "\($0)") }
        for (index, name) in names.enumerated() {
            let inserted = map.insertIfAbsent(name, Box(index))
            #expect(inserted)
        }
        for (index, name) in names.enumerated() {
            let insertedAgain = map.insertIfAbsent(name, Box(-1))
            #expect(!insertedAgain, "\(name.name)")
            #expect(map[name]?.value == index)
        }
        #expect(map.count == names.count)
    }

    @Test func reservedHashMapDoesNotGrowUpToItsCapacity() {
        var map = HashMap<Int, Int>()
        map.reserveCapacity(1000)
        let slots = map.slotCount
        #expect(slots * 3 >= 1000 * 4)
        let inserted = (0 ..< 1000).filter { map.insertIfAbsent($0, $0) }
        #expect(inserted.count == 1000 && map.slotCount == slots && map.count == 1000)
        let again = map.insertIfAbsent(7, 0)
        #expect(!again && map[7] == 7)
        map.reserveCapacity(10)                                  // never shrinks
        #expect(map.slotCount == slots && (0 ..< 1000).allSatisfy { map[$0] == $0 })
    }
    /// A client's consecutive ports (or addresses) must not pile up in one probe run: 10,000 IDs
    /// in a 16,384-slot table fill about 7,500 distinct home slots under a random hash (7,762
    /// measured). Equal IDs hash alike.
    @Test func connectionIDHashSpreadsConsecutivePorts() {
        let local = SocketAddress(IPv4Address(10, 0, 2, 15), 80)
        let ids = (0 ..< 10_000).map { TCPConnectionID(local: local, remote: SocketAddress(IPv4Address(10, 0, 2, 2), UInt16(40_000 + $0))) }
        let homes = Set(ids.map { $0.hashValue & 16_383 })
        #expect(homes.count >= 7_000, "\(homes.count) distinct home slots")
        #expect(ids.allSatisfy { $0.hashValue == TCPConnectionID(local: $0.local, remote: $0.remote).hashValue })
        let byAddress = Set((0 ..< 10_000).map {
            TCPConnectionID(local: local, remote: SocketAddress(IPv4Address(raw: 0x0A00_0000 + UInt32($0)), 5000)).hashValue & 16_383
        })
        #expect(byAddress.count >= 7_000, "\(byAddress.count) distinct home slots for consecutive addresses")
    }
}

import TestSupport
import KernelCore
import Testing

@Suite struct HeapTests {
    /// One live allocation of the reference model: its range and the byte it was filled with.
    struct LiveBlock {
        let address: UnsafeMutableRawPointer
        let byteCount: Int
        let fill: UInt8
    }

    @Test(arguments: [1 as UInt64, 2, 3, 4])
    func randomSequenceMatchesModel(seed: UInt64) throws {
        let arena = HeapArena(size: 16 << 20)
        var random = SplitMix64(seed: seed)
        var live: [LiveBlock] = []
        for step in 0..<20_000 {
            if live.isEmpty || Int.random(in: 0..<100, using: &random) < 55 {
                let byteCount = Self.randomSize(using: &random)
                let alignment = 1 << Int.random(in: 0...12, using: &random)
                let pointer = try #require(arena.allocate(byteCount, alignment: alignment))
                #expect(Int(bitPattern: pointer) % alignment == 0)
                #expect(pointer >= arena.heap.start && pointer + byteCount <= arena.heap.heapEnd)
                let fill = UInt8.random(in: 0...255, using: &random)
                pointer.initializeMemory(as: UInt8.self, repeating: fill, count: byteCount)
                live.append(LiveBlock(address: pointer, byteCount: byteCount, fill: fill))
            } else {
                let block = live.remove(at: Int.random(in: 0..<live.count, using: &random))
                Self.expectIntact(block)
                #expect(arena.free(block.address) == nil)
            }
            #expect(arena.heap.bytesInUse == live.reduce(0) { $0 + $1.byteCount })
            #expect(arena.heap.allocationCount == live.count)
            if step % 1000 == 0 {
                #expect(arena.heap.checkIntegrity())
                Self.expectNoOverlaps(live)
                live.forEach(Self.expectIntact)
            }
        }
        for block in live {
            Self.expectIntact(block)
            #expect(arena.free(block.address) == nil)
        }
        #expect(arena.heap.bytesInUse == 0)
        #expect(arena.heap.allocationCount == 0)
        #expect(arena.heap.checkIntegrity())
        // Everything coalesced back: the whole range can be handed out as one block again.
        let whole = arena.heap.limit - arena.heap.start - 16
        #expect(arena.allocate(whole) == arena.heap.start + 16)
    }

    @Test func allocateFreeLoopDoesNotGrowHeap() throws {
        let arena = HeapArena(size: 1 << 20)
        var random = SplitMix64(seed: 7)
        let keeper = try #require(arena.allocate(100))
        for _ in 0..<10_000 {
            let byteCount = Int.random(in: 0...8192, using: &random)
            let pointer = try #require(arena.allocate(byteCount))
            let other = try #require(arena.allocate(48, alignment: 64))
            #expect(arena.free(pointer) == nil)
            #expect(arena.free(other) == nil)
        }
        // Keeper block, the largest block of the loop, the 64-byte block and its alignment gap.
        #expect(arena.grownBytes <= 128 + 8208 + 64 + 128)
        #expect(arena.free(keeper) == nil)
    }

    @Test func freedSmallBlockIsReusedExactly() throws {
        let arena = HeapArena(size: 1 << 16)
        let first = try #require(arena.allocate(40, alignment: 8))
        _ = try #require(arena.allocate(40, alignment: 8))
        let end = arena.heap.heapEnd
        #expect(arena.free(first) == nil)
        #expect(arena.allocate(33) == first)
        #expect(arena.heap.heapEnd == end)
    }

    @Test func largeFreeBlockIsSplitAndCoalesced() throws {
        let arena = HeapArena(size: 1 << 20)
        let big = try #require(arena.allocate(64 << 10))
        let fence = try #require(arena.allocate(16))
        #expect(arena.free(big) == nil)
        let end = arena.heap.heapEnd
        let a = try #require(arena.allocate(1000))
        let b = try #require(arena.allocate(20_000, alignment: 4096))
        #expect(a == big)
        #expect(b > a && b < fence)
        #expect(arena.heap.heapEnd == end)
        #expect(arena.free(a) == nil)
        #expect(arena.free(b) == nil)
        // The pieces merged back into one block of the original size.
        #expect(arena.allocate(64 << 10) == big)
    }

    @Test(arguments: [32, 256, 4096, 65_536, 1 << 20])
    func largeAlignments(alignment: Int) throws {
        let arena = HeapArena(size: 4 << 20)
        let first = try #require(arena.allocate(40))
        let aligned = try #require(arena.allocate(100, alignment: alignment))
        #expect(Int(bitPattern: aligned) % alignment == 0)
        // The gap in front of the aligned block is a free block that small requests reuse.
        let small = try #require(arena.allocate(40))
        #expect(small > first && small < aligned || alignment <= 32)
        #expect(arena.heap.checkIntegrity())
        #expect(arena.free(aligned) == nil)
        #expect(arena.heap.checkIntegrity())
    }

    @Test func outOfMemoryReturnsNilAndRecovers() throws {
        let arena = HeapArena(size: 4096)
        var pointers: [UnsafeMutableRawPointer] = []
        while let pointer = arena.allocate(100) {
            pointers.append(pointer)
        }
        #expect(pointers.count == (arena.heap.limit - arena.heap.start) / 128)
        #expect(pointers.count > 10)
        #expect(arena.allocate(1, alignment: 1) == nil)
        #expect(arena.allocate(Int.max) == nil)
        #expect(arena.free(pointers[3]) == nil)
        #expect(arena.allocate(100) == pointers[3])
    }

    @Test func rejectsInvalidRequests() {
        let arena = HeapArena(size: 4096)
        #expect(arena.allocate(-1) == nil)
        #expect(arena.allocate(8, alignment: 0) == nil)
        #expect(arena.allocate(8, alignment: 24) == nil)
        #expect(arena.allocate(8, alignment: 1 << 20) == nil)
        #expect(arena.heap.allocationCount == 0)
    }

    @Test func tooSmallRangeHandsOutNothing() {
        let arena = HeapArena(size: 256)
        #expect(arena.heap.limit == arena.heap.start)
        #expect(arena.allocate(0) == nil)
        #expect(arena.free(arena.buffer + 16) == .outsideHeap)
        #expect(arena.heap.checkIntegrity())
    }

    @Test func zeroByteAllocationsAreDistinct() throws {
        let arena = HeapArena(size: 4096)
        let a = try #require(arena.allocate(0, alignment: 1))
        let b = try #require(arena.allocate(0, alignment: 1))
        #expect(a != b)
    }

    @Test func lowerLimitRefusesMemoryInUse() throws {
        let arena = HeapArena(size: 1 << 20)
        let pointer = try #require(arena.allocate(10_000))
        #expect(!arena.lowerLimit(to: pointer + 100))
        #expect(!arena.lowerLimit(to: arena.heap.limit + 16))
        let newLimit = arena.heap.start + (64 << 10)
        #expect(arena.lowerLimit(to: newLimit))
        #expect(arena.heap.limit == newLimit)
        #expect(arena.allocate(60 << 10) == nil)
        let rest = try #require(arena.allocate(40 << 10))
        #expect(rest + (40 << 10) <= newLimit)
        #expect(arena.heap.heapEnd <= newLimit)
    }

    @Test func integrityCheckSpotsCorruptedHeader() throws {
        let arena = HeapArena(size: 1 << 16)
        let a = try #require(arena.allocate(100))
        let b = try #require(arena.allocate(100))
        _ = try #require(arena.allocate(100))
        #expect(arena.free(a) == nil)
        #expect(arena.heap.checkIntegrity())
        // Overrun from `b` into the header of the block after it.
        (b + 112).storeBytes(of: 0xFFFF, as: UInt32.self)
        #expect(!arena.heap.checkIntegrity())
    }

    @Test func peakTracksHighestUse() throws {
        let arena = HeapArena(size: 1 << 16)
        let a = try #require(arena.allocate(1000))
        let b = try #require(arena.allocate(500))
        #expect(arena.free(a) == nil)
        #expect(arena.free(b) == nil)
        _ = try #require(arena.allocate(10))
        #expect(arena.heap.peakBytesInUse == 1500)
        #expect(arena.heap.bytesInUse == 10)
    }

    @Test func badFreesAreReported() throws {
        let arena = HeapArena(size: 1 << 16)
        let block = try #require(arena.allocate(200))
        let fence = try #require(arena.allocate(200))
        let outside = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)
        defer { outside.deallocate() }
        #expect(arena.free(outside) == .outsideHeap)
        #expect(arena.free(arena.heap.heapEnd + 64) == .outsideHeap)
        #expect(arena.free(block + 8) == .misaligned)
        block.initializeMemory(as: UInt8.self, repeating: 0x5A, count: 200)
        #expect(arena.free(block + 64) == .notAllocated)
        #expect(arena.free(block) == nil)
        #expect(arena.free(block) == .doubleFree)
        #expect(arena.heap.allocationCount == 1)
        #expect(arena.free(fence) == nil)
    }
}

extension HeapTests {
    static func randomSize(using random: inout SplitMix64) -> Int {
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<70: Int.random(in: 0...256, using: &random)
        case 70..<95: Int.random(in: 257...4096, using: &random)
        default: Int.random(in: 4097...200_000, using: &random)
        }
    }

    static func expectIntact(_ block: LiveBlock) {
        let bytes = UnsafeRawBufferPointer(start: block.address, count: block.byteCount)
        #expect(bytes.allSatisfy { $0 == block.fill })
    }

    static func expectNoOverlaps(_ live: [LiveBlock]) {
        let sorted = live.sorted { $0.address < $1.address }
        for (lower, upper) in zip(sorted, sorted.dropFirst()) {
            #expect(lower.address + lower.byteCount <= upper.address)
        }
    }
}

/// Why `Heap.deallocate` refused a pointer; the kernel turns these into a panic.
public enum HeapError: Error, Equatable, Sendable {
    /// The pointer is not inside the part of the heap that holds blocks.
    case outsideHeap
    /// The pointer is not on a 16-byte boundary, so it cannot be a payload.
    case misaligned
    /// No block header the heap wrote precedes the pointer.
    case notAllocated
    /// The block was already freed.
    case doubleFree
}

/// Allocator for a fixed address range; the kernel's `posix_memalign`/`free` wrap it.
///
/// Never allocates: the bookkeeping lives in the struct, in a table of free-list heads at the
/// start of the range (`FreeBins.storageSize`, about 2 KiB) and in the block headers. A range
/// too small for that table gives a heap that hands out nothing. Copies of a `Heap` share the
/// same memory, so keep exactly one. Blocks are carved from free lists first (exact-size lists for small
/// blocks, power-of-two lists for large ones, with splitting and coalescing of neighbours); only
/// when nothing fits does the frontier move up. Freed blocks touching the frontier move it back
/// down. Not thread-safe.
public struct Heap {
    /// Where blocks start: the range start rounded up to 16 bytes, after the free-list table.
    public let start: UnsafeMutableRawPointer
    /// End of the managed range; `lowerLimit(to:)` moves it down.
    public private(set) var limit: UnsafeMutableRawPointer
    /// Highest address ever handed out: how far the heap has ever grown.
    public private(set) var heapEnd: UnsafeMutableRawPointer
    /// Sum of the byte counts of the live allocations.
    public private(set) var bytesInUse = 0
    /// Highest `bytesInUse` seen.
    public private(set) var peakBytesInUse = 0
    /// Number of live allocations.
    public private(set) var allocationCount = 0

    let base: UInt
    /// End of the highest block; everything above is untouched.
    private(set) var frontier: UInt
    let bins: FreeBins

    public init(start: UnsafeMutableRawPointer, end: UnsafeMutableRawPointer) {
        let granule = HeapBlock.granule
        let first = (UInt(bitPattern: start) + granule - 1) & ~(granule - 1)
        var last = max(UInt(bitPattern: end) & ~(granule - 1), first)
        // Free-list links are UInt32 granule indices, which caps a heap at 64 GiB.
        if (last - first) / granule >= UInt(HeapBlock.noLink) {
            last = first + (UInt(HeapBlock.noLink) - 1) * granule
        }
        bins = FreeBins(at: UnsafeMutableRawPointer(bitPattern: first)!)
        if last - first >= UInt(FreeBins.storageSize) + HeapBlock.minimumSize {
            bins.clear()
            base = first + UInt(FreeBins.storageSize)
        } else {
            base = first
            last = first
        }
        frontier = base
        self.start = UnsafeMutableRawPointer(bitPattern: base)!
        limit = UnsafeMutableRawPointer(bitPattern: last)!
        heapEnd = self.start
    }

    /// Returns `byteCount` bytes aligned to `alignment` (a power of two), or nil when the heap
    /// has no room or the request is invalid.
    public mutating func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        // An empty range holds no free blocks either (and maybe no free-list table).
        guard UInt(bitPattern: limit) > base, byteCount >= 0, alignment > 0, alignment & (alignment - 1) == 0,
              let size = Self.blockSize(forByteCount: UInt(byteCount))
        else { return nil }
        // While the heap only grows (a new kernel restoring its state) most requests fit no free
        // list and go to the frontier: that path is short and kept out of the general one, whose
        // registers it would otherwise save and restore too.
        let payload: UInt
        let firstBin = bins.firstNonEmpty(from: FreeBins.index(forSize: size))
        if alignment <= HeapBlock.granule, firstBin == nil, size <= UInt(bitPattern: limit) &- frontier {
            payload = carveAtFrontier(size: size, byteCount: byteCount)
        } else {
            let alignment = max(UInt(alignment), HeapBlock.granule)
            guard let placed = place(size: size, alignment: alignment, byteCount: byteCount, firstBin: firstBin) else { return nil }
            payload = placed
        }
        bytesInUse &+= byteCount
        peakBytesInUse = max(peakBytesInUse, bytesInUse)
        allocationCount &+= 1
        return UnsafeMutableRawPointer(bitPattern: payload)
    }

    /// A block of `size` bytes from the free lists, searched from `firstBin` (the first
    /// non-empty list that may hold one), or else at the frontier: its payload.
    @inline(never)
    private mutating func place(size: UInt, alignment: UInt, byteCount: Int, firstBin: Int?) -> UInt? {
        if let firstBin, let (block, fit) = bins.firstFit(from: firstBin, size: size, alignment: alignment, base: base) {
            unlink(block)
            carve(from: block.address, to: block.end, payload: fit, size: size, byteCount: byteCount)
            return fit
        }
        guard let fit = Self.placement(from: frontier, to: UInt(bitPattern: limit), size: size, alignment: alignment) else { return nil }
        carveFromFrontier(payload: fit, size: size, byteCount: byteCount)
        return fit
    }

    /// Frees a pointer `allocate` returned. Returns nil on success; an error (and changes
    /// nothing) when the pointer is not a live allocation of this heap. A second free of a block
    /// that has since merged into the untouched top of the heap reports `.outsideHeap`.
    public mutating func deallocate(_ pointer: UnsafeMutableRawPointer) -> HeapError? {
        let payload = UInt(bitPattern: pointer)
        guard payload >= base + HeapBlock.headerSize, payload < frontier else { return .outsideHeap }
        guard payload % HeapBlock.granule == 0 else { return .misaligned }
        let block = HeapBlock(payload: payload)
        if !block.isInUse && block.hasFreeCheck { return .doubleFree }
        guard block.isInUse, block.hasInUseCheck, block.size >= HeapBlock.minimumSize,
              block.size <= frontier - block.address
        else { return .notAllocated }

        bytesInUse -= Int(block.size - HeapBlock.headerSize - UInt(block.slack))
        allocationCount -= 1
        var start = block.address
        var end = block.end
        block.markFree(size: block.size, previousInUse: block.isPreviousInUse)
        if end < frontier {
            let next = HeapBlock(at: end)
            if !next.isInUse {
                unlink(next)
                end = next.end
            }
        }
        if !block.isPreviousInUse {
            let previous = HeapBlock(at: start - block.previousFreeBlockSize)
            unlink(previous)
            start = previous.address
        }
        if end == frontier {
            frontier = start
        } else {
            addFreeBlock(at: start, size: end - start)
            HeapBlock(at: end).setPreviousInUse(false)
        }
        return nil
    }

    /// Moves `limit` down to `newLimit` (rounded down to 16 bytes) so the memory above can be
    /// used for something else. Refuses (returns false) if blocks lie above it or it is above the
    /// current limit.
    public mutating func lowerLimit(to newLimit: UnsafeMutableRawPointer) -> Bool {
        let aligned = UInt(bitPattern: newLimit) & ~(HeapBlock.granule - 1)
        guard aligned >= frontier, aligned <= UInt(bitPattern: limit) else { return false }
        limit = UnsafeMutableRawPointer(bitPattern: aligned)!
        return true
    }
}

extension Heap {
    /// Header plus payload rounded up to the granule, or nil on overflow.
    private static func blockSize(forByteCount byteCount: UInt) -> UInt? {
        let (padded, overflow) = byteCount.addingReportingOverflow(HeapBlock.headerSize + HeapBlock.granule - 1)
        guard !overflow else { return nil }
        return max(padded & ~(HeapBlock.granule - 1), HeapBlock.minimumSize)
    }

    /// Where the payload of a `size`-byte block aligned to `alignment` goes inside the free span
    /// [start, end), or nil if it does not fit. A gap left in front must be able to hold a free
    /// block of its own.
    fileprivate static func placement(from start: UInt, to end: UInt, size: UInt, alignment: UInt) -> UInt? {
        let mask = alignment - 1
        let (unaligned, overflow) = start.addingReportingOverflow(HeapBlock.headerSize + mask)
        guard !overflow else { return nil }
        var payload = unaligned & ~mask
        let gap = payload - HeapBlock.headerSize - start
        if gap > 0 && gap < HeapBlock.minimumSize {
            let (moved, overflow) = payload.addingReportingOverflow(alignment)
            guard !overflow else { return nil }
            payload = moved
        }
        guard payload <= end, size <= end - (payload - HeapBlock.headerSize) else { return nil }
        return payload
    }

    /// Turns the free span [start, end) into a used block at `payload`, returning the gap in
    /// front and any rest big enough for a block to the free lists.
    private mutating func carve(from start: UInt, to end: UInt, payload: UInt, size: UInt, byteCount: Int) {
        let used = markGapAndUse(from: start, payload: payload)
        let rest = end - (used.address + size)
        if rest >= HeapBlock.minimumSize {
            used.markInUse(size: size, slack: Self.slack(size, byteCount), previousInUse: start == used.address)
            addFreeBlock(at: used.address + size, size: rest)
        } else {
            used.markInUse(size: size + rest, slack: Self.slack(size + rest, byteCount), previousInUse: start == used.address)
            HeapBlock(at: end).setPreviousInUse(true)
        }
    }

    private mutating func carveFromFrontier(payload: UInt, size: UInt, byteCount: Int) {
        let used = markGapAndUse(from: frontier, payload: payload)
        used.markInUse(size: size, slack: Self.slack(size, byteCount), previousInUse: frontier == used.address)
        frontier = used.address + size
        heapEnd = UnsafeMutableRawPointer(bitPattern: max(frontier, UInt(bitPattern: heapEnd)))!
    }

    /// A block at the frontier itself, which is granule-aligned: no gap in front, and the block
    /// below is in use. Inlined: it is most allocations while the heap grows.
    @inline(__always)
    private mutating func carveAtFrontier(size: UInt, byteCount: Int) -> UInt {
        let block = HeapBlock(at: frontier)
        block.markInUse(size: size, slack: Self.slack(size, byteCount), previousInUse: true)
        frontier &+= size
        if frontier > UInt(bitPattern: heapEnd) { heapEnd = UnsafeMutableRawPointer(bitPattern: frontier)! }
        return block.payload
    }

    /// Frees the alignment gap between `start` and the block at `payload` and returns that block.
    /// The block before `start` is always in use: neighbouring free blocks are always merged.
    private mutating func markGapAndUse(from start: UInt, payload: UInt) -> HeapBlock {
        let used = HeapBlock(payload: payload)
        if used.address > start {
            addFreeBlock(at: start, size: used.address - start)
        }
        return used
    }

    private static func slack(_ size: UInt, _ byteCount: Int) -> UInt32 {
        UInt32(size - HeapBlock.headerSize - UInt(byteCount))
    }

    func block(_ link: UInt32) -> HeapBlock { HeapBlock(link, base: base) }

    func link(_ block: HeapBlock) -> UInt32 {
        UInt32((block.address - base) / HeapBlock.granule)
    }

    private mutating func addFreeBlock(at address: UInt, size: UInt) {
        let block = HeapBlock(at: address)
        block.markFree(size: size, previousInUse: true)
        let index = FreeBins.index(forSize: size)
        let head = bins[index]
        block.next = head
        block.previous = HeapBlock.noLink
        if head != HeapBlock.noLink {
            self.block(head).previous = link(block)
        }
        bins[index] = link(block)
    }

    private mutating func unlink(_ block: HeapBlock) {
        let next = block.next
        let previous = block.previous
        if next != HeapBlock.noLink {
            self.block(next).previous = previous
        }
        if previous != HeapBlock.noLink {
            self.block(previous).next = next
        } else {
            bins[FreeBins.index(forSize: block.size)] = next
        }
    }
}

private extension FreeBins {
    /// A free block that fits the request, from the smallest lists that may hold one, starting
    /// at `firstBin`, the first non-empty one. Only the first few blocks of each list are tried,
    /// which keeps the search O(1): past the request's own list every block fits unless the
    /// alignment is above 16. Here rather than in `Heap`, which a call of a non-mutating method
    /// from `allocate` would copy whole.
    func firstFit(from firstBin: Int, size: UInt, alignment: UInt, base: UInt) -> (HeapBlock, UInt)? {
        let probesPerList = 8
        var next: Int? = firstBin
        while let bin = next {
            var link = self[bin]
            var probes = 0
            while link != HeapBlock.noLink && probes < probesPerList {
                probes += 1
                let block = HeapBlock(link, base: base)
                if let payload = Heap.placement(from: block.address, to: block.end, size: size, alignment: alignment) {
                    return (block, payload)
                }
                link = block.next
            }
            next = firstNonEmpty(from: bin + 1)
        }
        return nil
    }
}

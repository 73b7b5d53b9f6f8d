extension Heap {
    /// Walks every block and free list and checks that the bookkeeping is consistent: valid
    /// headers and footers, no two neighbouring free blocks, each free block listed once in the
    /// right list, and counters matching the blocks. O(number of blocks); for debugging and for
    /// checks before a live update.
    public func checkIntegrity() -> Bool {
        guard let freeBlocks = checkBlocks() else { return false }
        guard UInt(bitPattern: limit) > base else { return freeBlocks == 0 }
        return checkFreeLists(expecting: freeBlocks)
    }

    /// Checks the blocks from `start` to the frontier; returns how many are free.
    private func checkBlocks() -> Int? {
        var address = base
        var previousInUse = true
        var inUse = 0
        var free = 0
        var bytes = 0
        while address < frontier {
            let block = HeapBlock(at: address)
            guard block.size >= HeapBlock.minimumSize, block.size <= frontier - address,
                  block.isPreviousInUse == previousInUse
            else { return nil }
            if block.isInUse {
                guard block.hasInUseCheck else { return nil }
                inUse += 1
                bytes += Int(block.size - HeapBlock.headerSize - UInt(block.slack))
            } else {
                // A free block never touches another free block or the frontier.
                guard block.hasFreeCheck, previousInUse, block.end < frontier,
                      HeapBlock(at: block.end).previousFreeBlockSize == block.size
                else { return nil }
                free += 1
            }
            previousInUse = block.isInUse
            address = block.end
        }
        guard inUse == allocationCount, bytes == bytesInUse else { return nil }
        return free
    }

    private func checkFreeLists(expecting freeBlocks: Int) -> Bool {
        var listed = 0
        for index in 0..<FreeBins.count {
            var previous = HeapBlock.noLink
            var link = bins[index]
            while link != HeapBlock.noLink {
                listed += 1
                guard listed <= freeBlocks, UInt(link) < (frontier - base) / HeapBlock.granule else { return false }
                let block = self.block(link)
                guard !block.isInUse, block.previous == previous,
                      FreeBins.index(forSize: block.size) == index
                else { return false }
                previous = link
                link = block.next
            }
        }
        return listed == freeBlocks
    }
}

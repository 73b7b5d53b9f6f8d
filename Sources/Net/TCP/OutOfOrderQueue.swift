/// Received segments beyond RCV.NXT, kept sorted and non-overlapping until the hole before them
/// is filled. Already-held bytes win over retransmitted copies. The block count is capped so that
/// a peer sending many tiny scattered segments cannot make us hold thousands of allocations.
struct OutOfOrderQueue {
    static let maximumBlocks = 128

    struct Block {
        var seq: SeqNum
        var bytes: [UInt8]
        var end: SeqNum { seq + bytes.count }
    }

    private(set) var blocks: [Block] = []

    var isEmpty: Bool { blocks.isEmpty }
    var byteCount: Int { blocks.reduce(0) { $0 + $1.bytes.count } }

    /// Stores the parts of `bytes` (starting at `seq`) that are not held yet. Returns false when
    /// the block limit left some of them out.
    @discardableResult
    mutating func insert(seq: SeqNum, bytes: UnsafeRawBufferPointer) -> Bool {
        var start = seq
        let end = seq + bytes.count
        var index = 0
        while start < end {
            // Skip blocks that end before the uncovered part starts.
            while index < blocks.count, blocks[index].end <= start { index += 1 }
            let gapEnd = index < blocks.count ? min(end, blocks[index].seq) : end
            if start < gapEnd {
                let piece = bytes[(start - seq) ..< (gapEnd - seq)]
                if index > 0 && blocks[index - 1].end == start {
                    blocks[index - 1].bytes += piece                    // extends the previous block
                } else {
                    guard blocks.count < Self.maximumBlocks else { return false }
                    blocks.insert(Block(seq: start, bytes: Array(piece)), at: index)
                    index += 1
                }
            }
            guard index < blocks.count else { break }
            start = max(gapEnd, blocks[index].end)
            index += 1
        }
        return true
    }

    /// Moves every byte contiguous with `next` into `ring` and returns the new next sequence number.
    mutating func drain(from next: SeqNum, into ring: inout ByteRing) -> SeqNum {
        var next = next
        while let first = blocks.first, first.seq <= next {
            if first.end > next {
                let skip = next - first.seq
                first.bytes.withUnsafeBytes { bytes in
                    next += ring.append(UnsafeRawBufferPointer(rebasing: bytes[skip...]))
                }
            }
            blocks.removeFirst()
        }
        return next
    }
}

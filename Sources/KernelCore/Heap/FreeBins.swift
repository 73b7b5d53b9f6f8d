/// Heads of the segregated free lists plus a bitmap of the non-empty ones.
///
/// Blocks up to `largestExactSize` have one list per size (16-byte steps), so a small request
/// pops its list in O(1). Larger blocks share one list per power of two.
struct FreeBins {
    static let largestExactSize: UInt = 4096
    static let count = 288
    private static let exactCount = Int(largestExactSize / HeapBlock.granule) - 1
    private static let wordCount = (count + 63) / 64

    private var heads = InlineArray<288, UInt32>(repeating: HeapBlock.noLink)
    private var nonEmpty = InlineArray<5, UInt64>(repeating: 0)

    /// The list a free block of `size` bytes belongs to; also the first list worth searching
    /// for a request of that size.
    static func index(forSize size: UInt) -> Int {
        if size <= largestExactSize {
            return Int((size - HeapBlock.minimumSize) / HeapBlock.granule)
        }
        let log2 = UInt.bitWidth - 1 - size.leadingZeroBitCount
        return min(exactCount + log2 - 12, count - 1)
    }

    subscript(index: Int) -> UInt32 {
        get { heads[index] }
        set {
            heads[index] = newValue
            let bit = UInt64(1) << UInt64(index % 64)
            if newValue == HeapBlock.noLink {
                nonEmpty[index / 64] &= ~bit
            } else {
                nonEmpty[index / 64] |= bit
            }
        }
    }

    /// The first non-empty list at or after `index`.
    func firstNonEmpty(from index: Int) -> Int? {
        guard index < Self.count else { return nil }
        var word = index / 64
        var bits = nonEmpty[word] & (~0 << UInt64(index % 64))
        while bits == 0 {
            word += 1
            guard word < Self.wordCount else { return nil }
            bits = nonEmpty[word]
        }
        return word * 64 + bits.trailingZeroBitCount
    }
}

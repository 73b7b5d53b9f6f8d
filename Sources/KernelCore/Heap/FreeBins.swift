/// Heads of the segregated free lists plus a bitmap of the non-empty ones (and a word that
/// says which of its words are not zero, so that finding a list takes no loop), kept in managed
/// memory at the start of the heap (a 2 KiB value inside the `Heap` struct would be copied on
/// every access).
///
/// Blocks up to `largestExactSize` have one list per size (16-byte steps), so a small request
/// pops its list in O(1). Larger blocks have eight lists per power of two (as in TLSF), so a
/// list's blocks differ in size by less than an eighth.
struct FreeBins {
    static let largestExactSize: UInt = 4096
    private static let exactCount = Int(largestExactSize / HeapBlock.granule) - 1
    private static let subdivisionBits = 3
    private static let subdivisions = 1 << subdivisionBits
    private static let smallestLargeLog2 = 12
    /// Exact lists plus 33 powers of two (4 KiB up to 32 TiB) of `subdivisions` lists.
    static let count = exactCount + 33 * subdivisions
    private static let bitmapWords = (count + 63) / 64     // at most 64: one summary word
    private static let headsSize = (count * 4 + 7) & ~7
    /// Bytes of managed memory the table takes, a multiple of the granule.
    static let storageSize = (headsSize + (bitmapWords + 1) * 8 + 15) & ~15

    private let heads: UnsafeMutablePointer<UInt32>
    private let nonEmpty: UnsafeMutablePointer<UInt64>
    /// Bit w: `nonEmpty[w]` is not zero.
    private let nonEmptyWords: UnsafeMutablePointer<UInt64>

    /// A table at `storage` (`storageSize` bytes, 8-byte aligned); `clear()` before first use.
    init(at storage: UnsafeMutableRawPointer) {
        heads = storage.bindMemory(to: UInt32.self, capacity: Self.count)
        nonEmpty = (storage + Self.headsSize).bindMemory(to: UInt64.self, capacity: Self.bitmapWords + 1)
        nonEmptyWords = nonEmpty + Self.bitmapWords
    }

    /// All lists empty: the bitmap cleared, which makes every head read as `noLink` (a new
    /// kernel does this inside an update's downtime; filling the 2 KiB of heads too was a
    /// `rep stosb`, an instruction a byte under the instruction counter).
    func clear() {
        nonEmpty.initialize(repeating: 0, count: Self.bitmapWords + 1)
    }

    /// The list a free block of `size` bytes belongs to; also the first list worth searching
    /// for a request of that size.
    @inline(__always)
    static func index(forSize size: UInt) -> Int {
        if size <= largestExactSize {
            return Int((size - HeapBlock.minimumSize) / HeapBlock.granule)
        }
        let log2 = UInt.bitWidth - 1 - size.leadingZeroBitCount
        let subdivision = Int(truncatingIfNeeded: size >> UInt(log2 - subdivisionBits)) & (subdivisions - 1)
        return min(exactCount + (log2 - smallestLargeLog2) * subdivisions + subdivision, count - 1)
    }

    /// The head of list `index`; an empty list's head is not stored (`clear` leaves it as it was).
    subscript(index: Int) -> UInt32 {
        get { nonEmpty[index / 64] & UInt64(1) << UInt64(index % 64) != 0 ? heads[index] : HeapBlock.noLink }
        nonmutating set {
            heads[index] = newValue
            let word = index / 64, bit = UInt64(1) << UInt64(index % 64)
            if newValue == HeapBlock.noLink {
                nonEmpty[word] &= ~bit
                if nonEmpty[word] == 0 { nonEmptyWords.pointee &= ~(1 << UInt64(word)) }
            } else {
                nonEmpty[word] |= bit
                nonEmptyWords.pointee |= 1 << UInt64(word)
            }
        }
    }

    /// The first non-empty list at or after `index`.
    @inline(__always)
    func firstNonEmpty(from index: Int) -> Int? {
        guard index < Self.count else { return nil }
        let word = index / 64
        let bits = nonEmpty[word] & (~0 << UInt64(index % 64))
        if bits != 0 { return word * 64 + bits.trailingZeroBitCount }
        let words = word + 1 < 64 ? nonEmptyWords.pointee & (~0 << UInt64(word + 1)) : 0
        guard words != 0 else { return nil }
        let next = words.trailingZeroBitCount
        return next * 64 + nonEmpty[next].trailingZeroBitCount
    }
}

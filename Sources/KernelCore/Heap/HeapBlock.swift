/// Raw view of one heap block: a 16-byte header followed by the payload.
///
/// Header: the block size with two flag bits (word at 0), a check value (UInt32 at 8) that
/// identifies headers the heap wrote, and the slack (UInt32 at 12): block size minus header
/// minus the requested byte count. Free blocks also hold their free-list links (UInt32 granule
/// indices at 16 and 20) and repeat their size in their last word, so that the block after a free
/// block can find its start when coalescing.
struct HeapBlock {
    static let headerSize: UInt = 16
    static let granule: UInt = 16
    static let minimumSize: UInt = 32
    static let noLink = UInt32.max

    private static let inUseFlag: UInt = 1
    private static let previousInUseFlag: UInt = 2
    private static let flagMask: UInt = granule - 1
    private static let inUseMagic: UInt32 = 0xA110_C8ED
    private static let freeMagic: UInt32 = 0xF4EE_B10C
    private static let wordSize = UInt(MemoryLayout<UInt>.size)

    let address: UInt

    init(at address: UInt) {
        self.address = address
    }

    /// The block a free-list link (a granule index from `base`) names.
    init(_ link: UInt32, base: UInt) {
        self.address = base + UInt(link) * Self.granule
    }

    init(payload: UInt) {
        self.address = payload - Self.headerSize
    }

    var payload: UInt { address + Self.headerSize }
    var size: UInt { word & ~Self.flagMask }
    var end: UInt { address + size }
    var isInUse: Bool { word & Self.inUseFlag != 0 }
    var isPreviousInUse: Bool { word & Self.previousInUseFlag != 0 }
    var hasInUseCheck: Bool { check == Self.checkValue(Self.inUseMagic, address) }
    var hasFreeCheck: Bool { check == Self.checkValue(Self.freeMagic, address) }

    var slack: UInt32 { load(UInt32.self, at: 12) }

    var next: UInt32 {
        get { load(UInt32.self, at: 16) }
        nonmutating set { store(newValue, at: 16) }
    }

    var previous: UInt32 {
        get { load(UInt32.self, at: 20) }
        nonmutating set { store(newValue, at: 20) }
    }

    /// Size of the free block that ends where this block starts (valid only when
    /// `isPreviousInUse` is false).
    var previousFreeBlockSize: UInt {
        UnsafeRawPointer(bitPattern: address - Self.wordSize)!.load(as: UInt.self)
    }

    @inline(__always)
    func markInUse(size: UInt, slack: UInt32, previousInUse: Bool) {
        setWord(size: size, inUse: true, previousInUse: previousInUse)
        store(Self.checkValue(Self.inUseMagic, address), at: 8)
        store(slack, at: 12)
    }

    func markFree(size: UInt, previousInUse: Bool) {
        setWord(size: size, inUse: false, previousInUse: previousInUse)
        store(Self.checkValue(Self.freeMagic, address), at: 8)
        UnsafeMutableRawPointer(bitPattern: address + size - Self.wordSize)!.storeBytes(of: size, as: UInt.self)
    }

    func setPreviousInUse(_ value: Bool) {
        setWord(size: size, inUse: isInUse, previousInUse: value)
    }

    private var word: UInt { load(UInt.self, at: 0) }
    private var check: UInt32 { load(UInt32.self, at: 8) }

    private func setWord(size: UInt, inUse: Bool, previousInUse: Bool) {
        let flags = (inUse ? Self.inUseFlag : 0) | (previousInUse ? Self.previousInUseFlag : 0)
        store(size | flags, at: 0)
    }

    private static func checkValue(_ magic: UInt32, _ address: UInt) -> UInt32 {
        magic ^ UInt32(truncatingIfNeeded: address >> 4)
    }

    private func load<T>(_ type: T.Type, at offset: UInt) -> T {
        UnsafeRawPointer(bitPattern: address + offset)!.load(as: type)
    }

    private func store<T>(_ value: T, at offset: UInt) {
        UnsafeMutableRawPointer(bitPattern: address + offset)!.storeBytes(of: value, as: T.self)
    }
}

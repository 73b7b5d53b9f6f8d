import KernelCore

/// The live-update storage area: a fixed range at the top of usable RAM, outside the heap
/// (the heap's limit is lowered to its start at boot). Its size comes from the command line
/// (`liu.storage=BYTES`, decimal or 0x-hex) or defaults to 1/16 of the usable range.
enum StorageArea {
    nonisolated(unsafe) private(set) static var start: UInt = 0
    nonisolated(unsafe) private(set) static var size: Int = 0

    static var pointer: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: start)! }

    /// Reserves the area below `usableEnd`; returns where the heap must end.
    static func reserve(usableStart: UInt, usableEnd: UInt) -> UInt {
        (start, size) = Memory.carveRegion(below: usableEnd, usableStart: usableStart, key: "liu.storage",
                                           defaultBytes: UInt64((usableEnd - usableStart) / 16), share: 2, granule: 4096)
        return start
    }

    /// Takes over the area a previous kernel used (soft reset); returns where the heap must end.
    static func adopt(start: UInt, size: Int) -> UInt {
        self.start = start
        self.size = size
        return start
    }

    /// The heap's current extent, which the storage writer must never touch.
    static var heapRange: Range<UInt> {
        guard let heap = Memory.heap else { return 0..<0 }
        return UInt(bitPattern: heap.start)..<UInt(bitPattern: heap.heapEnd)
    }
}

import LiveUpdate

/// Memory for device queues and buffers: a fixed region below the rollback slot, outside the
/// heap and outside anything an update overwrites, so a network device can keep running across
/// a swap (its queues are handed over, not reset). Allocation only moves forward; a kernel
/// that adopts queues starts allocating after them. `liu.device-memory=BYTES` sizes it
/// (default 2 MiB).
enum DeviceMemory {
    static let defaultSize: UInt64 = 2 << 20

    nonisolated(unsafe) private(set) static var start: UInt = 0
    nonisolated(unsafe) private(set) static var size = 0
    nonisolated(unsafe) private static var next: UInt = 0

    static var range: PhysicalRange { PhysicalRange(start: UInt64(start), count: UInt64(size))! }

    /// Reserves the region below `end`; returns where the heap must end.
    static func reserve(below end: UInt, usableStart: UInt) -> UInt {
        (start, size) = Memory.carveRegion(below: end, usableStart: usableStart, key: "liu.device-memory",
                                           defaultBytes: defaultSize, share: 4, granule: 4096)
        next = start
        return start
    }

    /// Takes over the region a previous kernel described in `block`.
    static func adopt(_ block: SoftResetBlock) -> UInt {
        start = UInt(block.deviceMemoryAddress)
        size = Int(block.deviceMemorySize)
        next = start
        return start
    }

    static func describe(in block: inout SoftResetBlock) {
        block.deviceMemoryAddress = UInt64(start)
        block.deviceMemorySize = UInt64(size)
    }

    /// `count` zeroed bytes at a 4 KiB boundary, or nil when the region is full.
    static func allocate(_ count: UInt) -> UnsafeMutableRawPointer? {
        let address = alignUp(next, 4096)
        guard address + count <= start + UInt(size), let pointer = UnsafeMutableRawPointer(bitPattern: address) else { return nil }
        next = address + count
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: Int(count))
        return pointer
    }

    /// Whether `count` bytes at `address` lie in the region; if so, later allocations start
    /// after them (the memory of adopted queues).
    static func claim(_ address: UInt64, count: UInt64) -> Bool {
        guard let claimed = PhysicalRange(start: address, count: count), range.contains(claimed) else { return false }
        next = max(next, UInt(claimed.end))
        return true
    }
}

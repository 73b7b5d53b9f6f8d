import KernelCore

/// The kernel heap: everything between the end of the image and the start of the
/// live-update storage area at the top of usable RAM.
enum Memory {
    nonisolated(unsafe) static var heap: Heap? = nil
    /// Where the heap must end: the start of the live-update storage area.
    nonisolated(unsafe) private(set) static var ramEnd: UInt = 0

    static func setUp(usableStart: UInt, usableEnd: UInt) {
        ramEnd = usableEnd
        let start = max(usableStart, (Arch.imageEnd + 4095) & ~4095)
        guard start < usableEnd,
              let base = UnsafeMutableRawPointer(bitPattern: start),
              let end = UnsafeMutableRawPointer(bitPattern: usableEnd) else {
            panic("no usable memory above the kernel image")
        }
        heap = Heap(start: base, end: end)
    }

    private static func explanation(_ error: HeapError) -> StaticString {
        switch error {
        case .outsideHeap: "not a heap address"
        case .misaligned: "misaligned pointer"
        case .notAllocated: "not an allocated block"
        case .doubleFree: "double free"
        }
    }

    /// A fixed region at the top of `[usableStart, end)`, below the heap's reach: `key=BYTES`
    /// from the command line or `defaultBytes`, at most `1/share` of the range, rounded down to
    /// `granule` (a power of two).
    static func carveRegion(below end: UInt, usableStart: UInt, key: StaticString, defaultBytes: UInt64,
                            share: UInt, granule: UInt) -> (start: UInt, size: Int) {
        let requested = BootArguments.integer(for: key) ?? defaultBytes
        let bytes = UInt(min(requested, UInt64((end - usableStart) / share))) & ~(granule - 1)
        return (end - bytes, Int(bytes))
    }

    static func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        heap?.allocate(byteCount: byteCount, alignment: alignment)
    }

    static func deallocate(_ pointer: UnsafeMutableRawPointer) {
        if let error = heap?.deallocate(pointer) {
            Console.write("heap: bad free of ")
            Console.writeHex(UInt64(UInt(bitPattern: pointer)))
            Console.write(": ")
            Console.write(Self.explanation(error))
            Console.newline()
            panic("heap corruption")
        }
    }
}

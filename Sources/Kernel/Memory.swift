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

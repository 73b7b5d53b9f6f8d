import KernelCore

/// A host buffer with a `Heap` running inside it.
final class HeapArena {
    let buffer: UnsafeMutableRawPointer
    let size: Int
    var heap: Heap

    init(size: Int) {
        self.size = size
        buffer = .allocate(byteCount: size, alignment: 4096)
        heap = Heap(start: buffer, end: buffer + size)
    }

    deinit {
        buffer.deallocate()
    }

    func allocate(_ byteCount: Int, alignment: Int = 16) -> UnsafeMutableRawPointer? {
        heap.allocate(byteCount: byteCount, alignment: alignment)
    }

    func free(_ pointer: UnsafeMutableRawPointer) -> HeapError? {
        heap.deallocate(pointer)
    }

    func lowerLimit(to newLimit: UnsafeMutableRawPointer) -> Bool {
        heap.lowerLimit(to: newLimit)
    }

    /// Bytes between the start of the heap and `heapEnd`.
    var grownBytes: Int { heap.heapEnd - heap.start }
}

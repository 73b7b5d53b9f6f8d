import LiveUpdate

/// The images kept for rollbacks: a fixed region just below the storage area, outside the heap
/// and outside anything an update may overwrite (the image validator refuses segments over
/// it), in two halves. One holds the known-good image; the other the candidate, the image an
/// update is trying. The candidate becomes the known-good image only when its kernel confirms
/// (two-phase commit); a rollback forgets it. `liu.rollback=BYTES` sizes the region (default
/// 2 MiB, 0: no rollback); a soft reset adopts it from the block, images included.
enum RollbackSlot {
    static let defaultCapacity: UInt64 = 2 << 20

    nonisolated(unsafe) private(set) static var start: UInt = 0
    nonisolated(unsafe) private(set) static var capacity = 0
    nonisolated(unsafe) private static var knownGoodHalf = 0
    nonisolated(unsafe) private(set) static var imageSize = 0
    nonisolated(unsafe) private static var candidateSize = 0

    static var range: PhysicalRange { PhysicalRange(start: UInt64(start), count: UInt64(capacity))! }
    static var halfCapacity: Int { capacity / 2 & ~4095 }

    private static func half(_ index: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: start + UInt(index * halfCapacity))!
    }

    /// The known-good image, if there is one.
    static var image: UnsafeRawBufferPointer? {
        guard imageSize > 0 else { return nil }
        return UnsafeRawBufferPointer(start: half(knownGoodHalf), count: imageSize)
    }

    /// Reserves the region below `end` (the storage area's start); returns where the heap must end.
    static func reserve(below end: UInt, usableStart: UInt) -> UInt {
        // Two halves of whole pages.
        (start, capacity) = Memory.carveRegion(below: end, usableStart: usableStart, key: "liu.rollback",
                                               defaultBytes: defaultCapacity, share: 4, granule: 8192)
        return start
    }

    /// Takes over the region (and the images in it) a previous kernel described in `block`.
    static func adopt(_ block: SoftResetBlock) -> UInt {
        start = UInt(block.rollbackRegion)
        capacity = Int(block.rollbackCapacity)
        imageSize = Int(block.rollbackSize)
        knownGoodHalf = block.rollbackAddress == block.rollbackRegion ? 0 : 1
        candidateSize = Int(block.candidateSize)
        return start
    }

    /// Keeps a copy of `image` (admitted by `BundleAdmission`) as the known-good image.
    static func register(_ image: UnsafeRawBufferPointer) throws(Hotswap.Failure) {
        imageSize = 0
        try store(image, inHalf: knownGoodHalf)
        imageSize = image.count
    }

    /// Keeps a copy of the image an update is about to start (admitted by `BundleAdmission`)
    /// as the candidate.
    static func stageCandidate(_ image: UnsafeRawBufferPointer) throws(Hotswap.Failure) {
        candidateSize = 0
        try store(image, inHalf: 1 - knownGoodHalf)
        candidateSize = image.count
    }

    /// The running kernel was the candidate and has confirmed: it is the known-good image now.
    static func promoteCandidate() {
        guard candidateSize > 0 else { return }
        knownGoodHalf = 1 - knownGoodHalf
        imageSize = candidateSize
        candidateSize = 0
    }

    /// A rollback: the candidate failed.
    static func dropCandidate() { candidateSize = 0 }

    private static func store(_ image: UnsafeRawBufferPointer, inHalf index: Int) throws(Hotswap.Failure) {
        guard image.count <= halfCapacity else { throw .tooLargeForRollbackSlot(halfCapacity) }
        half(index).copyMemory(from: image.baseAddress!, byteCount: image.count)
    }

    /// Writes the region's description into a block being prepared.
    static func describe(in block: inout SoftResetBlock) {
        block.rollbackRegion = UInt64(start)
        block.rollbackCapacity = UInt64(capacity)
        block.rollbackAddress = UInt64(UInt(bitPattern: half(knownGoodHalf)))
        block.rollbackSize = UInt64(imageSize)
        block.candidateSize = UInt64(candidateSize)
    }
}

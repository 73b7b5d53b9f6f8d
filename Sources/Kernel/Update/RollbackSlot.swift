import LiveUpdate

/// The known-good image kept for a rollback: a fixed slot just below the storage area,
/// outside the heap and outside anything an update may overwrite (the image validator
/// refuses segments over it). `liu.rollback=BYTES` sizes it (default 1 MiB, 0: no slot); a
/// soft reset adopts it from the block, image included.
enum RollbackSlot {
    static let defaultCapacity: UInt64 = 1 << 20

    nonisolated(unsafe) private(set) static var start: UInt = 0
    nonisolated(unsafe) private(set) static var capacity = 0
    nonisolated(unsafe) private(set) static var imageSize = 0

    static var range: PhysicalRange { PhysicalRange(start: UInt64(start), count: UInt64(capacity))! }

    /// The known-good image, if one was registered.
    static var image: UnsafeRawBufferPointer? {
        guard imageSize > 0 else { return nil }
        return UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: start), count: imageSize)
    }

    /// Reserves the slot below `end` (the storage area's start); returns where the heap must end.
    static func reserve(below end: UInt, usableStart: UInt) -> UInt {
        let requested = BootArguments.integer(for: "liu.rollback") ?? defaultCapacity
        let bytes = UInt(min(requested, UInt64((end - usableStart) / 4))) & ~4095
        start = end - bytes
        capacity = Int(bytes)
        return start
    }

    /// Takes over the slot (and the image in it) a previous kernel described in `block`.
    static func adopt(_ block: SoftResetBlock) -> UInt {
        start = UInt(block.rollbackAddress)
        capacity = Int(block.rollbackCapacity)
        imageSize = Int(block.rollbackSize)
        return start
    }

    /// Validates `image` as a kernel for this machine and keeps a copy as the known-good image.
    static func register(_ image: UnsafeRawBufferPointer) throws(Hotswap.Failure) {
        guard image.count <= capacity else { throw .tooLargeForRollbackSlot(capacity) }
        _ = try Hotswap.validate(image)
        imageSize = 0
        UnsafeMutableRawPointer(bitPattern: start)!.copyMemory(from: image.baseAddress!, byteCount: image.count)
        imageSize = image.count
    }

    /// Writes the slot's description into a block being prepared.
    static func describe(in block: inout SoftResetBlock) {
        block.rollbackAddress = UInt64(start)
        block.rollbackCapacity = UInt64(capacity)
        block.rollbackSize = UInt64(imageSize)
    }
}

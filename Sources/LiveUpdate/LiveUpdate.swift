/// Entry points for saving state before a live update and restoring it afterwards.
/// The area is a fixed memory range given by address and byte count (see docs/storage-format.md).
public enum LiveUpdate {
    /// Clears the area's header, lets `save` append entries, then writes END, the canary (read
    /// back through `probe`) and the header with its checksum. Returns the stored size in bytes.
    ///
    /// Only bytes in `area..<area+limit` are written, and none at or above `heap.lowerBound`
    /// when `heap` overlaps the area. On any error the area is left not resumable.
    @discardableResult
    public static func store(
        at area: UnsafeMutableRawPointer, limit: Int, heap: Range<UInt>? = nil,
        probe: MemoryProbe = probeMemory,
        _ save: (inout Storage) throws(StorageError) -> Void
    ) throws(StorageError) -> Int {
        var storage = try Storage(area: area, limit: limit, heap: heap)
        try save(&storage)
        return try storage.finish(probe: probe)
    }

    /// Validates magic, version, lengths, checksum, canary and every entry's bounds; throws the
    /// exact reason an area cannot be resumed.
    public static func validate(
        at area: UnsafeRawPointer, limit: Int
    ) throws(StorageError) -> StoredAreaInfo {
        try AreaValidation.validate(area, limit: limit)
    }

    public static func isResumable(at area: UnsafeRawPointer, limit: Int) -> Bool {
        (try? validate(at: area, limit: limit)) != nil
    }

    /// Validates the area, lets `restore` read it, and zeroes the stored bytes once `restore`
    /// returns normally (so the state is never applied twice). With `keeping`, the area stays
    /// valid until `discard`: a kernel on trial keeps it for a rollback.
    public static func resume(
        at area: UnsafeMutableRawPointer, limit: Int, keeping: Bool = false,
        _ restore: (inout Restore) throws(StorageError) -> Void
    ) throws(StorageError) {
        let info = try validate(at: UnsafeRawPointer(area), limit: limit)
        var reader = try Restore(area: UnsafeRawPointer(area), storedSize: info.storedSize)
        try restore(&reader)
        if !keeping { area.initializeMemory(as: UInt8.self, repeating: 0, count: info.storedSize) }
    }

    /// Zeroes a stored area that `resume(keeping: true)` left valid; does nothing to an area
    /// that does not validate.
    public static func discard(at area: UnsafeMutableRawPointer, limit: Int) {
        guard let info = try? validate(at: UnsafeRawPointer(area), limit: limit) else { return }
        area.initializeMemory(as: UInt8.self, repeating: 0, count: info.storedSize)
    }

    /// The default canary probe: a store and load in assembly that the compiler cannot fold.
    public static func probeMemory(_ address: UnsafeMutableRawPointer, _ value: UInt32) -> UInt32 {
        #if arch(x86_64) || arch(i386) || arch(arm64)
        return liu_probe_u32(address, value)
        #else
        address.storeBytes(of: value, as: UInt32.self)
        return address.load(as: UInt32.self)
        #endif
    }
}

#if arch(x86_64) || arch(i386) || arch(arm64)
@_extern(c, "liu_probe_u32")
func liu_probe_u32(_ address: UnsafeMutableRawPointer, _ value: UInt32) -> UInt32
#endif

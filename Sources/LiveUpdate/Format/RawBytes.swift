// Little-endian fixed-width access at byte offsets; no alignment assumptions. Public for the
// records other modules store in their entries (the network stack's connections).

extension UnsafeRawPointer {
    @inlinable @inline(__always)
    public func loadLE<T: FixedWidthInteger>(at offset: Int, as type: T.Type) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

extension UnsafeMutableRawPointer {
    @inlinable @inline(__always)
    public func storeLE<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
    }
}

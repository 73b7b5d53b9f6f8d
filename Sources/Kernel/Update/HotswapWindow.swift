import LiveUpdate

/// The fixed low memory the hotswap uses on this target (docs/update-sequence.md): the
/// soft-reset block, the descriptor list and the copied stub, all in one window the new
/// image may not overlap.
enum HotswapWindow {
    #if arch(arm64)
    /// Between the DTB at the RAM base and the image at 0x40200000.
    static let base: UInt = 0x4010_0000
    /// Lowest address an image may load at.
    static let imageFloor: UInt64 = 0x4000_0000
    #else
    /// Below 1 MiB, above the real-mode IVT and BIOS data area. Loader structures there
    /// were copied at boot, before anything writes the window.
    static let base: UInt = 0x7000
    static let imageFloor: UInt64 = 0x10_0000
    #endif
    static let blockAddress = base
    static let listAddress = base + 0x800
    static let stubAddress = base + 0x1000
    static let stubCapacity = 0x1000
    static let size: UInt64 = 0x2000

    static var range: PhysicalRange { PhysicalRange(start: UInt64(base), end: UInt64(base) + size) }

    static func pointer(_ address: UInt) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: address)! }
}

@_extern(c, "hotswap_stub_address") func hotswapStubAddress() -> UnsafeRawPointer
@_extern(c, "hotswap_stub_size") func hotswapStubSize() -> UInt32
/// Jumps to the copied stub; does not come back. The window (stub, list, block) is pushed
/// out of the data cache first where that matters (aarch64).
@_extern(c, "hotswap_enter")
func hotswapEnter(_ list: UnsafeRawPointer, _ stub: UnsafeRawPointer, _ window: UInt, _ windowSize: UInt)

import LiveUpdate

/// The fixed low memory the hotswap uses on this target (docs/update-sequence.md): the
/// soft-reset block, the descriptor list and the copied stub (on x86 after the long-mode
/// stub's identity map), all in one window the new image may not overlap.
enum HotswapWindow {
    #if arch(arm64)
    /// Between the DTB at the RAM base and the image at 0x40200000.
    static let base: UInt = 0x4010_0000
    static let blockAddress = base
    /// Lowest address an image may load at.
    static let imageFloor: UInt64 = 0x4000_0000
    #else
    /// Below 1 MiB, above the real-mode IVT and BIOS data area. Loader structures there
    /// were copied at boot, before anything writes the window. Its first six pages hold the
    /// x86_64 long-mode stub's page tables (`identityMapAddress`).
    static let base: UInt = 0x1000
    static let blockAddress: UInt = 0x7000
    static let imageFloor: UInt64 = 0x10_0000
    #endif
    static let listAddress = blockAddress + 0x800
    static let stubAddress = blockAddress + 0x1000
    static let stubCapacity = 0x1000
    static let size = UInt64(stubAddress - base) + UInt64(stubCapacity)

    static var range: PhysicalRange { PhysicalRange(start: UInt64(base), end: UInt64(base) + size) }

    static func pointer(_ address: UInt) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: address)! }
}

/// The stub code to copy into the window for one image and the entry it jumps to.
struct HotswapStub {
    let code: UnsafeRawPointer
    let size: Int
    let entry: UInt64

    /// The target's stub, except x86_64 to an image with a 64-bit soft-reset entry: the stub
    /// that stays in long mode (under kvm-pvm code with paging off is emulated), on the
    /// identity map in the window's first pages that the kernel runs on (paging.S). On x86 the
    /// widest moves that may run: AVX registers, then (i686) SSE ones, then string moves
    /// (`VectorMoves`).
    static func choose(for image: KernelImage) -> HotswapStub {
        #if arch(x86_64)
        if let entry = image.longModeEntry {
            if VectorMoves.avxAllowed {
                return HotswapStub(code: hotswapAVXStubAddress(), size: Int(hotswapAVXStubSize()), entry: entry)
            }
            return HotswapStub(code: hotswapLongModeStubAddress(), size: Int(hotswapLongModeStubSize()), entry: entry)
        }
        #elseif arch(i386)
        if VectorMoves.avxAllowed {
            return HotswapStub(code: hotswapAVXStubAddress(), size: Int(hotswapAVXStubSize()), entry: image.entry)
        }
        if VectorMoves.sseAllowed {
            return HotswapStub(code: hotswapSSEStubAddress(), size: Int(hotswapSSEStubSize()), entry: image.entry)
        }
        #endif
        return HotswapStub(code: hotswapStubAddress(), size: Int(hotswapStubSize()), entry: image.entry)
    }

    /// Reads what `choose` needs from the CPU now, before the downtime: under KVM each CPUID
    /// is a VM exit.
    static func prepare() {
        #if arch(x86_64) || arch(i386)
        VectorMoves.read()
        #endif
    }
}

#if arch(x86_64) || arch(i386)
/// Which vector registers an x86 hotswap stub may copy through, read once from CPUID. Never
/// under a KVM hypervisor: kvm-pvm's instruction emulator lacks SSE and AVX.
enum VectorMoves {
    /// The CPU has AVX and XSAVE and XCR0 can hold x87, SSE and AVX state, which the AVX stub
    /// turns on itself (CR4.OSXSAVE and XCR0, copy_and_enter.inc): no kernel enables it.
    static let avxAllowed: Bool = {
        guard noKVM else { return false }
        let avxAndXSAVE: UInt32 = 1 << 28 | 1 << 26
        guard cpuid(1).ecx & avxAndXSAVE == avxAndXSAVE, cpuid(0).eax >= 0xD else { return false }
        let x87SSEAndAVX: UInt32 = 0b111
        return cpuid(0xD).eax & x87SSEAndAVX == x87SSEAndAVX
    }()

    #if arch(i386)
    /// The CPU has SSE, which the kernel turned on at its entry (entry32.S).
    static let sseAllowed: Bool = noKVM && cpuid(1).edx & (1 << 25) != 0
    #endif

    private static let noKVM = cpuUnderKVM() == 0

    static func read() {
        _ = avxAllowed
        #if arch(i386)
        _ = sseAllowed
        #endif
    }
}
#endif

@_extern(c, "hotswap_stub_address") func hotswapStubAddress() -> UnsafeRawPointer
@_extern(c, "hotswap_stub_size") func hotswapStubSize() -> UInt32
#if arch(x86_64) || arch(i386)
@_extern(c, "hotswap_avx_stub_address") func hotswapAVXStubAddress() -> UnsafeRawPointer
@_extern(c, "hotswap_avx_stub_size") func hotswapAVXStubSize() -> UInt32
#endif
#if arch(i386)
@_extern(c, "hotswap_sse_stub_address") func hotswapSSEStubAddress() -> UnsafeRawPointer
@_extern(c, "hotswap_sse_stub_size") func hotswapSSEStubSize() -> UInt32
#endif
#if arch(x86_64)
@_extern(c, "hotswap_long_mode_stub_address") func hotswapLongModeStubAddress() -> UnsafeRawPointer
@_extern(c, "hotswap_long_mode_stub_size") func hotswapLongModeStubSize() -> UInt32
#endif
/// Jumps to the copied stub; does not come back. The window (stub, list, block) is pushed
/// out of the data cache first where that matters (aarch64).
@_extern(c, "hotswap_enter")
func hotswapEnter(_ list: UnsafeRawPointer, _ stub: UnsafeRawPointer, _ window: UInt, _ windowSize: UInt)

// Hardware CRC32C routines from Sources/CPUIntrinsics (assembly, one file per architecture).

#if arch(x86_64) || arch(i386) || arch(arm64)
@_extern(c, "liu_cpu_has_crc32c")
func liu_cpu_has_crc32c() -> UInt32

@_extern(c, "liu_crc32c_hw")
func liu_crc32c_hw(_ crc: UInt32, _ bytes: UnsafeRawPointer, _ count: Int) -> UInt32
#endif

#if arch(x86_64) || arch(i386)
@_extern(c, "liu_cpu_under_kvm")
func liu_cpu_under_kvm() -> UInt32
#endif

#if arch(x86_64)
@_extern(c, "liu_cpu_has_clmul")
func liu_cpu_has_clmul() -> UInt32

@_extern(c, "liu_crc32c_hw3")
func liu_crc32c_hw3(
    _ crc: UInt32, _ bytes: UnsafeRawPointer, _ groups: Int, _ block: Int, _ k1: UInt64, _ k2: UInt64
) -> UInt32
#endif

enum HardwareCRC32C {
    static let isAvailable: Bool = {
        #if arch(x86_64) || arch(i386) || arch(arm64)
        return liu_cpu_has_crc32c() != 0
        #else
        return false
        #endif
    }()

    /// Whether the instructions may run before the kernel has read its command line (where
    /// `crc32c=software` would say they may not): available, and no KVM hypervisor, whose
    /// instruction emulator may lack them (kvm-pvm's does).
    static let isAvailableBeforeBootArguments: Bool = {
        #if arch(x86_64) || arch(i386)
        return isAvailable && liu_cpu_under_kvm() == 0
        #else
        return isAvailable
        #endif
    }()

    /// Advances the raw CRC register; only call when `isAvailable`.
    static func update(_ register: UInt32, _ bytes: UnsafeRawPointer, _ count: Int) -> UInt32 {
        #if arch(x86_64)
        return ThreeStreamCRC32C.update(register, bytes, count)
        #elseif arch(i386) || arch(arm64)
        return liu_crc32c_hw(register, bytes, count)
        #else
        fatalError("no hardware CRC32C on this architecture")
        #endif
    }
}

#if arch(x86_64)
/// Three interleaved crc32q streams (see liu_crc32c_hw3), for buffers long enough to pay off.
enum ThreeStreamCRC32C {
    /// A block length and its two shift constants x^(8*block-33) and x^(16*block-33) mod P
    /// (`GF2Polynomial.xPower`; a test derives them).
    struct Stride {
        let block: Int
        let k1: UInt64
        let k2: UInt64
    }

    static let isAvailable: Bool = liu_cpu_has_clmul() != 0

    /// Long strides for throughput, a short one so mid-sized tails still interleave (each a
    /// multiple of 32 bytes, the routine's round). Constants
    /// rather than computed at first use: that cost a new kernel about 33,000 instructions in
    /// its first checksum, inside the update's downtime.
    static let strides: [Stride] = [
        Stride(block: 4096, k1: 0x82F8_9C77, k2: 0x54A8_6326),
        Stride(block: 256, k1: 0xB9E0_2B86, k2: 0xDD7E_3B0C),
    ]

    static func update(_ register: UInt32, _ bytes: UnsafeRawPointer, _ count: Int) -> UInt32 {
        var crc = register
        var position = bytes
        var remaining = count
        if isAvailable {
            for stride in strides {
                let groups = remaining / (3 * stride.block)
                guard groups > 0 else { continue }
                crc = liu_crc32c_hw3(crc, position, groups, stride.block, stride.k1, stride.k2)
                position += groups * 3 * stride.block
                remaining -= groups * 3 * stride.block
            }
        }
        return liu_crc32c_hw(crc, position, remaining)
    }
}
#endif

/// The C symbols the Embedded Swift runtime expects from its environment.

@_cdecl("posix_memalign")
func posixMemalign(_ result: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ alignment: Int, _ size: Int) -> Int32 {
    guard let pointer = Memory.allocate(byteCount: size, alignment: max(alignment, 16)) else {
        return 12  // ENOMEM
    }
    result.pointee = pointer
    return 0
}

/// `free` itself is an assembly trampoline to this (Swift reserves the name).
@_cdecl("liu_free")
func liuFree(_ pointer: UnsafeMutableRawPointer?) {
    if let pointer { Memory.deallocate(pointer) }
}

@_cdecl("putchar")
func putchar(_ character: Int32) -> Int32 {
    Console.put(UInt8(truncatingIfNeeded: character))
    return character
}

/// Seeds hashing and anything else that asks for randomness: hardware entropy where the
/// CPU has it (RDRAND, RNDR), mixed with the cycle counter, stretched by SplitMix64.
@_cdecl("arc4random_buf")
func arc4randomBuffer(_ buffer: UnsafeMutableRawPointer, _ count: Int) {
    var offset = 0
    while offset < count {
        var word = Entropy.next()
        let chunk = min(8, count - offset)
        withUnsafeBytes(of: &word) { bytes in
            (buffer + offset).copyMemory(from: bytes.baseAddress!, byteCount: chunk)
        }
        offset += chunk
    }
}

enum Entropy {
    nonisolated(unsafe) private static var state: UInt64 = 0

    static func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15 ^ (Arch.hardwareRandom() ?? 0) ^ Arch.counter()
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

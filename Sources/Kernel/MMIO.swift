import _Volatile

/// A block of device registers at a physical address (identity-mapped on every target).
struct MMIORegion {
    let base: UInt

    func read32(_ offset: UInt) -> UInt32 {
        VolatileMappedRegister<UInt32>(unsafeBitPattern: base + offset).load()
    }

    func write32(_ offset: UInt, _ value: UInt32) {
        VolatileMappedRegister<UInt32>(unsafeBitPattern: base + offset).store(value)
    }

    func read8(_ offset: UInt) -> UInt8 {
        VolatileMappedRegister<UInt8>(unsafeBitPattern: base + offset).load()
    }

    func write8(_ offset: UInt, _ value: UInt8) {
        VolatileMappedRegister<UInt8>(unsafeBitPattern: base + offset).store(value)
    }
}

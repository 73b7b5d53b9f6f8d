/// Boot information from a Multiboot or PVH loader. TEMPORARY bring-up reader.
enum X86BootInfo {
    static func read(magic: UInt32, address: UInt) -> BootInfo {
        var info = BootInfo()
        if magic == 0x2BADB002, let mbi = UnsafeRawPointer(bitPattern: address) {
            let upperKiB = mbi.load(fromByteOffset: 8, as: UInt32.self)
            info.usableEnd = 0x100000 + UInt(upperKiB) * 1024
            info.usableBytes = UInt64(upperKiB) * 1024
            if mbi.load(as: UInt32.self) & 4 != 0, let cmd = UnsafePointer<UInt8>(bitPattern: UInt(mbi.load(fromByteOffset: 16, as: UInt32.self))) {
                var n = 0
                while cmd[n] != 0 && n < 1024 { n += 1 }
                BootArguments.copy(from: UnsafeRawBufferPointer(start: cmd, count: n))
            }
        }
        return info
    }
}

import KernelCore

/// Boot information from a Multiboot loader (i686) or a PVH loader (x86_64, or i686 started
/// through its PVH note). The low 4 GiB are identity-mapped, so physical = virtual; loaders
/// put these structures in the first pages (QEMU's PVH memory map sits below 4 KiB).
enum X86BootInfo {
    static func read(magic: UInt32, address: UInt) -> BootInfo {
        guard let memory = PhysicalMemory.identity(physicalStart: 8, size: (1 << 32) - 8) else {
            panic("boot info: no physical memory window")
        }
        // PVH first: its structure carries its own magic, while some PVH loaders (qboot on
        // microvm) also leave the Multiboot magic in EAX.
        do throws(BootInfoError) {
            if let info = try? PVHStartInfo(address: UInt64(address), memory: memory) {
                return BootInfo(memoryMap: info, commandLine: info.commandLine, firstModule: info.firstModule)
            }
            guard magic == MultibootInfo.bootloaderMagic else { throw .badMagic(magic) }
            let info = try MultibootInfo(address: UInt64(address), memory: memory)
            return BootInfo(memoryMap: info, commandLine: info.commandLine, firstModule: info.firstModule)
        } catch {
            Console.write("boot info: magic ")
            Console.writeHex(UInt64(magic), digits: 8)
            Console.write(", structure at ")
            Console.writeHex(UInt64(address), digits: 8)
            Console.newline()
            panic("boot info: neither a valid Multiboot nor a valid PVH structure")
        }
    }
}

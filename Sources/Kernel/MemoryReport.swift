import KernelCore

/// One line on the memory layout: image, heap, storage area and RAM.
enum MemoryReport {
    static func print() {
        Console.write("memory: image ")
        Console.writeHex(UInt64(Arch.imageStart), digits: 8)
        Console.write("-")
        Console.writeHex(UInt64(Arch.imageEnd), digits: 8)
        Console.write(", heap end ")
        Console.writeHex(UInt64(UInt(bitPattern: Memory.heap?.heapEnd)), digits: 8)
        Console.write(" of ")
        Console.writeHex(UInt64(Memory.ramEnd), digits: 8)
        Console.write(", storage area ")
        Console.writeHex(UInt64(StorageArea.start), digits: 8)
        Console.write(" (")
        Console.writeDecimal(UInt64(StorageArea.size >> 10))
        Console.write(" KiB)")
        Console.write(", in use ")
        Console.writeDecimal(UInt64(Memory.heap?.bytesInUse ?? 0))
        Console.write(" B, peak ")
        Console.writeDecimal(UInt64(Memory.heap?.peakBytesInUse ?? 0))
        Console.write(" B, RAM ")
        Console.writeDecimal(Kernel.boot.usableBytes >> 20)
        Console.write(" MiB\n")
    }
}

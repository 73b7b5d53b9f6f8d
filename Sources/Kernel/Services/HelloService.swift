import KernelCore

/// The demo service: greets, shows the boot timeline and memory, proves the clock ticks.
enum HelloService {
    static func run() -> Never {
        Console.write("hello from swift-liveupdate on ")
        Console.write(Arch.name)
        Console.newline()
        BootTimeline.print()
        MemoryReport.print()
        let target = Clock.ticks + 5
        while Clock.ticks < target { Arch.waitForInterrupt() }
        Console.write("timer: ")
        Console.writeDecimal(Clock.ticks)
        Console.write(" ticks, uptime ")
        Console.writeMilliseconds(nanoseconds: Clock.now())
        Console.newline()
        Arch.exit(.success)
    }
}

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

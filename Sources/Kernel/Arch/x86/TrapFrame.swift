/// The frame traps.S builds, in machine words: the general registers in
/// `TargetArch.generalRegisters` order, the vector, the error code, then what the CPU pushed
/// (instruction pointer, code segment, flags and, on x86_64, stack pointer and segment).
struct TrapFrame {
    let address: UnsafeMutableRawPointer

    private func word(_ slot: Int) -> UInt {
        address.load(fromByteOffset: slot * MemoryLayout<UInt>.size, as: UInt.self)
    }

    var vector: UInt { word(TargetArch.generalRegisters.count) }
    var errorCode: UInt { word(TargetArch.generalRegisters.count + 1) }
    var instructionPointer: UInt { word(TargetArch.generalRegisters.count + 2) }
    private var flags: UInt { word(TargetArch.generalRegisters.count + 4) }

    func dumpRegisters() {
        for (index, name) in TargetArch.generalRegisters.enumerated() {
            Console.write("  ")
            Console.write(name)
            Console.write("=")
            Console.writeHex(UInt64(word(index)), digits: TargetArch.addressDigits)
            if index % 4 == 3 { Console.newline() }
        }
        if TargetArch.cpuPushesStackPointer {
            Console.write("  sp=")
            Console.writeHex(UInt64(word(TargetArch.generalRegisters.count + 5)), digits: TargetArch.addressDigits)
        }
        Console.write("  flags=")
        Console.writeHex(UInt64(flags), digits: 8)
        Console.newline()
    }
}

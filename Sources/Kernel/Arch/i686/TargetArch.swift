/// What differs between i686 and x86_64: names, trap set-up and the trap frame layout.
enum TargetArch {
    static let name: StaticString = "i686"
    static let addressDigits = 8

    static func installTraps() { i686InstallTraps() }
}

@_extern(c, "i686_install_traps") func i686InstallTraps()

/// The frame traps.S builds: PUSHA block, vector, error code, then what the CPU pushed.
struct TrapFrame {
    let address: UnsafeMutableRawPointer

    private func word(_ index: Int) -> UInt {
        UInt(address.load(fromByteOffset: index * 4, as: UInt32.self))
    }

    var vector: UInt { word(8) }
    var errorCode: UInt { word(9) }
    var instructionPointer: UInt { word(10) }

    func dumpRegisters() {
        let names: [StaticString] = ["edi", "esi", "ebp", "esp", "ebx", "edx", "ecx", "eax"]
        for index in 0..<8 {
            Console.write("  ")
            Console.write(names[index])
            Console.write("=")
            Console.writeHex(UInt64(word(index)), digits: 8)
            if index % 4 == 3 { Console.newline() }
        }
        Console.write("  eflags=")
        Console.writeHex(UInt64(word(12)), digits: 8)
        Console.newline()
    }
}

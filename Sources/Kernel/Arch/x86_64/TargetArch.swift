/// What differs between i686 and x86_64: names, trap set-up and the trap frame layout.
enum TargetArch {
    static let name: StaticString = "x86_64"
    static let addressDigits = 16

    static func installTraps() { x86_64InstallTraps() }
}

@_extern(c, "x86_64_install_traps") func x86_64InstallTraps()

/// The frame traps.S builds: r15...rax, vector, error code, then what the CPU pushed.
struct TrapFrame {
    let address: UnsafeMutableRawPointer

    private func word(_ index: Int) -> UInt {
        UInt(address.load(fromByteOffset: index * 8, as: UInt64.self))
    }

    var vector: UInt { word(15) }
    var errorCode: UInt { word(16) }
    var instructionPointer: UInt { word(17) }

    func dumpRegisters() {
        let names: [StaticString] = ["r15", "r14", "r13", "r12", "r11", "r10", "r9", "r8",
                                     "rbp", "rdi", "rsi", "rdx", "rcx", "rbx", "rax"]
        for index in 0..<15 {
            Console.write("  ")
            Console.write(names[index])
            Console.write("=")
            Console.writeHex(UInt64(word(index)), digits: 16)
            if index % 4 == 3 { Console.newline() }
        }
        Console.write("  rsp=")
        Console.writeHex(UInt64(word(20)), digits: 16)
        Console.write("  rflags=")
        Console.writeHex(UInt64(word(19)), digits: 16)
        Console.newline()
    }
}

/// What differs between i686 and x86_64: names, trap set-up and the trap frame's registers.
enum TargetArch {
    static let name: StaticString = "i686"
    static let addressDigits = 8
    /// PUSHA order as it lies in memory.
    static let generalRegisters: [StaticString] = ["edi", "esi", "ebp", "esp", "ebx", "edx", "ecx", "eax"]
    /// Traps taken in ring 0 on i686 do not switch stacks, so the CPU pushes no ESP.
    static let cpuPushesStackPointer = false

    static func installTraps() { i686InstallTraps() }
}

@_extern(c, "i686_install_traps") func i686InstallTraps()

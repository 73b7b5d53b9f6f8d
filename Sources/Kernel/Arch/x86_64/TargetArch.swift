/// What differs between i686 and x86_64: names, trap set-up and the trap frame's registers.
enum TargetArch {
    static let name: StaticString = "x86_64"
    static let addressDigits = 16
    /// The order traps.S pushes them in, as it lies in memory.
    static let generalRegisters: [StaticString] = ["r15", "r14", "r13", "r12", "r11", "r10", "r9", "r8",
                                                   "rbp", "rdi", "rsi", "rdx", "rcx", "rbx", "rax"]
    static let cpuPushesStackPointer = true

    static func installTraps() { x86_64InstallTraps() }
}

@_extern(c, "x86_64_install_traps") func x86_64InstallTraps()
/// Whether this kernel came in at the 64-bit soft-reset entry (long_mode.S), not through the
/// 32-bit one.
@_extern(c, "x86_64_entered_in_long_mode") func x86_64EnteredInLongMode() -> Bool

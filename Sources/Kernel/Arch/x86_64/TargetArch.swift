/// What differs between i686 and x86_64: names, trap set-up and the trap frame's registers.
enum TargetArch {
    static let name: StaticString = "x86_64"
    static let addressDigits = 16
    /// The order traps.S pushes them in, as it lies in memory.
    static let generalRegisters: [StaticString] = ["r15", "r14", "r13", "r12", "r11", "r10", "r9", "r8",
                                                   "rbp", "rdi", "rsi", "rdx", "rcx", "rbx", "rax"]
    static let cpuPushesStackPointer = true

    /// Also moves the kernel to the identity map in the hotswap window (paging.S says why), now
    /// that the loader's structures below 1 MiB have been read; one that came in at the 64-bit
    /// soft-reset entry is on it already.
    static func installTraps() {
        if !x86_64EnteredInLongMode() { x86_64UseWindowMap() }
        x86_64InstallTraps()
    }
}

@_extern(c, "x86_64_install_traps") func x86_64InstallTraps()
@_extern(c, "x86_64_use_window_map") func x86_64UseWindowMap()
/// Whether this kernel came in at the 64-bit soft-reset entry (long_mode.S), not through the
/// 32-bit one.
@_extern(c, "x86_64_entered_in_long_mode") func x86_64EnteredInLongMode() -> Bool

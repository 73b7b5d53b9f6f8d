/// x86 instructions that Swift cannot express, implemented in io.S.
@_extern(c, "liu_outb") func outb(_ port: UInt16, _ value: UInt8)
@_extern(c, "liu_inb") func inb(_ port: UInt16) -> UInt8
@_extern(c, "liu_outl") func outl(_ port: UInt16, _ value: UInt32)
@_extern(c, "liu_inl") func inl(_ port: UInt16) -> UInt32
@_extern(c, "liu_outw") func outw(_ port: UInt16, _ value: UInt16)
@_extern(c, "liu_inw") func inw(_ port: UInt16) -> UInt16
@_extern(c, "liu_rdtsc") func rdtsc() -> UInt64
@_extern(c, "liu_rdmsr") func rdmsr(_ register: UInt32) -> UInt64
@_extern(c, "liu_wrmsr") func wrmsr(_ register: UInt32, _ value: UInt64)
@_extern(c, "liu_cpuid_raw") func cpuidRaw(_ leaf: UInt32, _ subleaf: UInt32, _ out: UnsafeMutablePointer<UInt32>)
/// 1 under a KVM hypervisor (Sources/CPUIntrinsics/cpu_under_kvm_x86.S), whose instruction
/// emulator may lack SSE (kvm-pvm's does).
@_extern(c, "liu_cpu_under_kvm") func cpuUnderKVM() -> UInt32
@_extern(c, "liu_read_cr2") func readCR2() -> UInt
@_extern(c, "liu_interrupts_enable") func interruptsEnable()
@_extern(c, "liu_interrupts_disable") func interruptsDisable()
@_extern(c, "liu_halt") func halt()
@_extern(c, "liu_wait_for_interrupt") func enableInterruptsAndHalt()
@_extern(c, "liu_pause") func pause()
@_extern(c, "liu_rdrand64") func rdrand64(_ out: UnsafeMutablePointer<UInt64>) -> Int32
@_extern(c, "liu_triple_fault") func tripleFault()
@_extern(c, "liu_cause_fault") func causeFaultInstruction(_ kind: Int32)
@_extern(c, "liu_symbol_address") func symbolAddress(_ which: Int32) -> UInt

struct CPUIDResult {
    var eax: UInt32 = 0, ebx: UInt32 = 0, ecx: UInt32 = 0, edx: UInt32 = 0
}

func cpuid(_ leaf: UInt32, _ subleaf: UInt32 = 0) -> CPUIDResult {
    var words: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    withUnsafeMutableBytes(of: &words) { buffer in
        cpuidRaw(leaf, subleaf, buffer.baseAddress!.assumingMemoryBound(to: UInt32.self))
    }
    return CPUIDResult(eax: words.0, ebx: words.1, ecx: words.2, edx: words.3)
}

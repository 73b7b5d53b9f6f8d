/// Entry from the assembly trap stubs for every vector.
@_cdecl("x86_trap")
func x86Trap(_ frameAddress: UnsafeMutableRawPointer) {
    let frame = TrapFrame(address: frameAddress)
    let vector = frame.vector
    if vector == 2 {
        // The only NMI source is the hang watchdog; one may still arrive just after it was
        // disarmed. Returns unless an update on trial is overdue.
        Trial.watchdogTick()
        return
    }
    if vector < 32 {
        reportException(frame)
        panic("CPU exception")
    }
    switch UInt8(truncatingIfNeeded: vector) {
    case LocalAPIC.timerVector:
        LocalAPIC.endOfInterrupt()
        Clock.tick()
    case NetworkInterrupt.vector:
        NetworkInterrupt.handle()
        LocalAPIC.endOfInterrupt()
    case LocalAPIC.spuriousVector:
        break
    default:
        LocalAPIC.endOfInterrupt()
    }
}

private func reportException(_ frame: TrapFrame) {
    Console.write("\nCPU exception ")
    Console.writeDecimal(UInt64(frame.vector))
    Console.write(" (")
    Console.write(exceptionName(frame.vector))
    Console.write(") at ")
    Console.writeHex(UInt64(frame.instructionPointer), digits: TargetArch.addressDigits)
    Console.write(", error code ")
    Console.writeHex(UInt64(frame.errorCode), digits: 8)
    if frame.vector == 14 {
        Console.write(", faulting address ")
        Console.writeHex(UInt64(readCR2()), digits: TargetArch.addressDigits)
    }
    Console.newline()
    frame.dumpRegisters()
}

private func exceptionName(_ vector: UInt) -> StaticString {
    switch vector {
    case 0: "divide error"
    case 1: "debug"
    case 2: "non-maskable interrupt"
    case 3: "breakpoint"
    case 4: "overflow"
    case 5: "bound range exceeded"
    case 6: "invalid opcode"
    case 7: "device not available"
    case 8: "double fault"
    case 10: "invalid TSS"
    case 11: "segment not present"
    case 12: "stack-segment fault"
    case 13: "general protection fault"
    case 14: "page fault"
    case 16: "x87 floating-point error"
    case 17: "alignment check"
    case 18: "machine check"
    case 19: "SIMD floating-point error"
    case 20: "virtualization exception"
    case 21: "control protection"
    default: "reserved"
    }
}

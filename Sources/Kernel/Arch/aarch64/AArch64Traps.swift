/// Entry from the exception vectors: `kind` is the vector index (0-15), `frame` the saved
/// registers (x0-x30, ELR, SPSR, ESR, FAR, ... as vectors.S lays them out).
@_cdecl("aarch64_trap")
func aarch64Trap(_ kind: UInt64, _ frameAddress: UnsafeMutableRawPointer) {
    let frame = TrapFrame(address: frameAddress)
    if kind == 1 || kind == 5 || kind == 2 || kind == 6 {   // IRQ, or FIQ (the tick on trial)
        handleInterrupt()
        return
    }
    reportException(kind: kind, frame)
    panic("CPU exception")
}

private func handleInterrupt() {
    let id = GICv2.acknowledge()
    guard id != GICv2.spurious else { return }
    if id == NetworkInterrupt.id { NetworkInterrupt.handle() }
    GICv2.endOfInterrupt(id)
    // After the end of interrupt: the tick may hand over to another kernel (a rollback).
    if id == Arch.virtualTimerInterrupt { Arch.timerInterrupt() }
}

struct TrapFrame {
    let address: UnsafeMutableRawPointer

    func word(_ index: Int) -> UInt64 { address.load(fromByteOffset: index * 8, as: UInt64.self) }

    var exceptionLink: UInt64 { word(31) }
    var savedStatus: UInt64 { word(32) }
    var syndrome: UInt64 { word(33) }
    var faultAddress: UInt64 { word(34) }
}

private func reportException(kind: UInt64, _ frame: TrapFrame) {
    let exceptionClass = (frame.syndrome >> 26) & 0x3F
    Console.write("\nCPU exception: ")
    Console.write(kindName(kind))
    Console.write(", ")
    Console.write(className(exceptionClass))
    Console.write(" (ESR ")
    Console.writeHex(frame.syndrome, digits: 8)
    Console.write(") at ")
    Console.writeHex(frame.exceptionLink)
    Console.write(", faulting address ")
    Console.writeHex(frame.faultAddress)
    Console.newline()
    for index in 0..<31 {
        Console.write(index < 10 ? "   x" : "  x")
        Console.writeDecimal(UInt64(index))
        Console.write("=")
        Console.writeHex(frame.word(index))
        if index % 4 == 3 { Console.newline() }
    }
    Console.write("  sp=")
    Console.writeHex(UInt64(UInt(bitPattern: frame.address)) + 816)
    Console.write("  spsr=")
    Console.writeHex(frame.savedStatus, digits: 8)
    Console.newline()
}

private func kindName(_ kind: UInt64) -> StaticString {
    switch kind % 4 {
    case 0: "synchronous"
    case 1: "IRQ"
    case 2: "FIQ"
    default: "SError"
    }
}

private func className(_ exceptionClass: UInt64) -> StaticString {
    switch exceptionClass {
    case 0x00: "unknown reason (undefined instruction)"
    case 0x07: "FP/SIMD access trapped"
    case 0x0E: "illegal execution state"
    case 0x15: "SVC"
    case 0x20, 0x21: "instruction abort"
    case 0x22: "PC alignment fault"
    case 0x24, 0x25: "data abort"
    case 0x26: "SP alignment fault"
    case 0x2F: "SError"
    case 0x3C: "BRK instruction"
    default: "other exception class"
    }
}

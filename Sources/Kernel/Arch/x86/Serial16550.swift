/// COM1, a 16550-compatible UART: 115200 baud, 8N1, FIFOs on.
enum Serial16550 {
    static let base: UInt16 = 0x3F8

    static func initialize() {
        outb(base + 1, 0x00)      // no UART interrupts
        outb(base + 3, 0x80)      // divisor latch access
        outb(base + 0, 0x01)      // divisor 1: 115200 baud
        outb(base + 1, 0x00)
        outb(base + 3, 0x03)      // 8 bits, no parity, one stop bit
        outb(base + 2, 0xC7)      // FIFOs on and cleared
        outb(base + 4, 0x03)      // DTR, RTS
    }

    static func write(_ byte: UInt8) {
        var spins = 0
        while inb(base + 5) & 0x20 == 0 && spins < 100_000 { spins += 1 }  // transmitter ready
        outb(base, byte)
    }
}

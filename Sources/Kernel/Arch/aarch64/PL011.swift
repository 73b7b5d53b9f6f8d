/// The PL011 UART of QEMU virt (address from the device tree once it is parsed).
enum PL011 {
    nonisolated(unsafe) static var registers = MMIORegion(base: 0x0900_0000)

    static func initialize() {
        registers.write32(0x30, 0)                  // UARTCR: off while configuring
        registers.write32(0x2C, 0x70)               // UARTLCR_H: 8 bits, FIFOs on
        registers.write32(0x38, 0)                  // UARTIMSC: no interrupts
        registers.write32(0x30, 0x301)              // UARTCR: UART, TX, RX enabled
    }

    static func write(_ byte: UInt8) {
        var spins = 0
        while registers.read32(0x18) & 0x20 != 0 && spins < 100_000 { spins += 1 }  // UARTFR.TXFF
        registers.write32(0x00, UInt32(byte))
    }
}

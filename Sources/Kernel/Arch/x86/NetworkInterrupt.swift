/// The network card's interrupt through the I/O APIC (the 8259s stay masked): PCI INTx on the
/// legacy IRQ the firmware assigned, or a microvm virtio-mmio line. The handler only
/// acknowledges at the device, which lowers the level-triggered line; the service loop, woken
/// from its halt, does the work.
enum NetworkInterrupt {
    static let vector: UInt8 = 0x31
    nonisolated(unsafe) private static var pci: VirtioLegacyPCI?
    nonisolated(unsafe) private static var mmio: VirtioMMIO?
    /// Interrupts taken with no device to acknowledge (see `route`); reported when not zero.
    nonisolated(unsafe) private(set) static var withoutDevice = 0

    /// Returns false when the device has no usable IRQ (the service then polls on the tick).
    /// The device is stored before the pin is unmasked: after an update the line may already be
    /// asserted (frames arrived during the swap), the interrupt comes at once, and a handler
    /// that cannot acknowledge it takes it again and again.
    static func route(_ device: VirtioLegacyPCI) -> Bool {
        guard (1..<16).contains(device.interruptLine) else { return false }
        pci = device
        guard IOAPIC.route(gsi: UInt32(device.interruptLine), vector: vector) else {
            pci = nil
            return false
        }
        return true
    }

    static func route(_ device: VirtioMMIO, gsi: UInt32) -> Bool {
        guard gsi != 0 else { return false }
        mmio = device
        guard IOAPIC.route(gsi: gsi, vector: vector) else {
            mmio = nil
            return false
        }
        return true
    }

    static func handle() {
        if pci == nil && mmio == nil { withoutDevice += 1 }
        pci?.acknowledgeInterrupt()
        mmio?.acknowledgeInterrupt()
    }
}

/// The I/O APICs at QEMU's fixed addresses (microvm may have a second one for GSI 24-47),
/// programmed only for the pins a driver asks for.
enum IOAPIC {
    private static let primary = MMIORegion(base: 0xFEC0_0000)
    private static let secondary = MMIORegion(base: 0xFEC1_0000)
    static let secondaryBase: UInt32 = 24

    private static func write(_ registers: MMIORegion, _ index: UInt32, _ value: UInt32) {
        registers.write32(0x00, index)   // IOREGSEL
        registers.write32(0x10, value)   // IOWIN
    }

    /// Redirection entries of the I/O APIC at `registers` (0 when nothing answers there).
    private static func pinCount(_ registers: MMIORegion) -> UInt32 {
        registers.write32(0x00, 1)       // IOAPICVER
        let version = registers.read32(0x10)
        guard version != 0xFFFF_FFFF, version & 0xFF >= 0x10 else { return 0 }
        return (version >> 16 & 0xFF) + 1
    }

    static var secondaryIsPresent: Bool { pinCount(secondary) > 0 }

    /// Masks every pin: after a hotswap the previous kernel's routes are still set, and a
    /// handed-over device may hold its line asserted before its driver is back.
    static func maskAll() {
        for registers in [primary, secondary] {
            for pin in 0..<pinCount(registers) { write(registers, 0x10 + 2 * pin, 1 << 16) }
        }
    }

    /// Level-triggered, active high (QEMU's PCI links and virtio-mmio lines), fixed delivery to
    /// the boot CPU (local APIC ID 0). False when no I/O APIC has that GSI.
    static func route(gsi: UInt32, vector: UInt8) -> Bool {
        program(gsi: gsi, UInt32(vector) | 1 << 15)
    }

    /// Edge-triggered, delivered as an NMI (which `cli` does not hold off) to the boot CPU.
    static func routeAsNMI(gsi: UInt32) -> Bool {
        program(gsi: gsi, 4 << 8)
    }

    static func mask(gsi: UInt32) {
        _ = program(gsi: gsi, 1 << 16)
    }

    private static func program(gsi: UInt32, _ low: UInt32) -> Bool {
        let (registers, pin) = gsi < secondaryBase ? (primary, gsi) : (secondary, gsi - secondaryBase)
        guard pin < pinCount(registers) else { return false }
        write(registers, 0x10 + 2 * pin + 1, 0)
        write(registers, 0x10 + 2 * pin, low)
        return true
    }
}

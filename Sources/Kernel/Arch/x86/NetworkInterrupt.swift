/// The virtio-net-pci interrupt: INTx on the legacy IRQ the firmware assigned, routed through
/// the I/O APIC (the 8259s stay masked). The handler only reads the device's ISR, which lowers
/// the level-triggered line; the service loop, woken from its halt, does the work.
enum NetworkInterrupt {
    static let vector: UInt8 = 0x31
    nonisolated(unsafe) private static var device: VirtioLegacyPCI?

    /// Returns false when the device has no usable IRQ (the service then polls on the tick).
    static func route(_ device: VirtioLegacyPCI) -> Bool {
        guard device.interruptLine < IOAPIC.legacyPins else { return false }
        self.device = device
        IOAPIC.route(pin: device.interruptLine, vector: vector, levelTriggered: true)
        return true
    }

    static func handle() { device?.acknowledgeInterrupt() }
}

/// The I/O APIC at its fixed PC address, programmed only for the pins a driver asks for.
enum IOAPIC {
    private static let registers = MMIORegion(base: 0xFEC0_0000)
    static let legacyPins: UInt8 = 16

    private static func write(_ index: UInt32, _ value: UInt32) {
        registers.write32(0x00, index)   // IOREGSEL
        registers.write32(0x10, value)   // IOWIN
    }

    /// Fixed delivery to the boot CPU (local APIC ID 0), active high (PCI links on QEMU pc).
    static func route(pin: UInt8, vector: UInt8, levelTriggered: Bool) {
        let entry = 0x10 + 2 * UInt32(pin)
        write(entry + 1, 0)
        write(entry, UInt32(vector) | (levelTriggered ? 1 << 15 : 0))
    }
}

/// PCI configuration space through the legacy 0xCF8/0xCFC mechanism.
struct PCIFunction {
    let bus: UInt8, device: UInt8, function: UInt8

    private func select(_ offset: UInt8) {
        let address = 0x8000_0000 | UInt32(bus) << 16 | UInt32(device) << 11 | UInt32(function) << 8 | UInt32(offset & 0xFC)
        outl(0xCF8, address)
    }

    func read32(_ offset: UInt8) -> UInt32 { select(offset); return inl(0xCFC) }
    func write32(_ offset: UInt8, _ value: UInt32) { select(offset); outl(0xCFC, value) }

    var vendorID: UInt16 { UInt16(truncatingIfNeeded: read32(0)) }
    var deviceID: UInt16 { UInt16(truncatingIfNeeded: read32(0) >> 16) }

    /// The first function on bus 0 with this vendor and device ID.
    static func find(vendor: UInt16, device deviceID: UInt16) -> PCIFunction? {
        for slot in UInt8(0)..<32 {
            let candidate = PCIFunction(bus: 0, device: slot, function: 0)
            if candidate.vendorID == vendor && candidate.deviceID == deviceID { return candidate }
        }
        return nil
    }
}

/// A transitional virtio PCI device driven through its legacy I/O-port registers
/// (virtio 1.x section 4.1.4.8): BAR0, 32 feature bits, page-frame queue address.
struct VirtioLegacyPCI: VirtioTransport {
    let port: UInt16
    /// The legacy (ISA) IRQ the firmware routed INTx to; 0xFF when none.
    var interruptLine: UInt8 = 0xFF

    static let vendor: UInt16 = 0x1AF4
    static let transitionalNetwork: UInt16 = 0x1000
    /// Where BAR0 goes when the firmware left it unassigned.
    private static let fallbackPort: UInt32 = 0xC000

    private enum Register {
        static let deviceFeatures: UInt16 = 0x00
        static let driverFeatures: UInt16 = 0x04
        static let queueAddress: UInt16 = 0x08
        static let queueSize: UInt16 = 0x0C
        static let queueSelect: UInt16 = 0x0E
        static let queueNotify: UInt16 = 0x10
        static let status: UInt16 = 0x12
        static let interruptStatus: UInt16 = 0x13
        /// Device configuration without MSI-X (which this driver never enables).
        static let config: UInt16 = 0x14
    }

    /// Finds the network device, gives it I/O space and bus mastering.
    static func findNetwork() -> VirtioLegacyPCI? {
        guard let function = PCIFunction.find(vendor: vendor, device: transitionalNetwork) else { return nil }
        var bar = function.read32(0x10)
        guard bar & 1 == 1 else { return nil }
        if bar & ~3 == 0 {
            function.write32(0x10, fallbackPort)
            bar = function.read32(0x10)
        }
        let command = function.read32(0x04) & 0xFFFF
        function.write32(0x04, command | 0x1 | 0x4)  // I/O space, bus master
        return VirtioLegacyPCI(port: UInt16(truncatingIfNeeded: bar & ~3), interruptLine: UInt8(truncatingIfNeeded: function.read32(0x3C)))
    }

    var isModern: Bool { false }
    var locator: UInt64 { UInt64(port) }
    var status: UInt8 { inb(port + Register.status) }
    func setStatus(_ status: UInt8) { outb(port + Register.status, status) }
    func deviceFeatures() -> UInt64 { UInt64(inl(port + Register.deviceFeatures)) }
    func setDriverFeatures(_ features: UInt64) { outl(port + Register.driverFeatures, UInt32(truncatingIfNeeded: features)) }

    func maximumQueueSize(_ index: UInt16) -> UInt16 {
        outw(port + Register.queueSelect, index)
        return inw(port + Register.queueSize)
    }

    var queueSizeIsFixed: Bool { true }

    func activate(_ queue: Virtqueue) {
        outw(port + Register.queueSelect, queue.index)
        outl(port + Register.queueAddress, UInt32(truncatingIfNeeded: queue.ringAddress / Virtqueue.pageSize))
    }

    func notify(_ queueIndex: UInt16) { outw(port + Register.queueNotify, queueIndex) }
    func configByte(_ offset: UInt) -> UInt8 { inb(port + Register.config + UInt16(truncatingIfNeeded: offset)) }
    func acknowledgeInterrupt() { _ = inb(port + Register.interruptStatus) }
}

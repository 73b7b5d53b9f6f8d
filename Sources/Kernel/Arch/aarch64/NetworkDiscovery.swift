import LiveUpdate

extension Arch {
    /// QEMU virt: virtio-mmio slots from the device tree (recorded at boot), with their SPI.
    static func openNetworkDevice(handover: NICHandover?) throws(VirtioError) -> NetworkDevice? {
        guard let mmio = VirtioMMIOSlots.findNetwork() else { return nil }
        let driver = try VirtioNet(transport: mmio.transport, handover: handover)
        return NetworkDevice(name: mmio.transport.name, driver,
                             interrupts: NetworkInterrupt.route(mmio.transport, interrupt: mmio.interrupt))
    }
}

/// The virtio-mmio interrupt on the GIC. The handler only acknowledges it at the device; the
/// service loop, woken from its wait, does the work.
enum NetworkInterrupt {
    nonisolated(unsafe) private(set) static var id: UInt32 = GICv2.spurious
    nonisolated(unsafe) private static var device: VirtioMMIO?
    /// Interrupts taken with no device to acknowledge; reported when not zero.
    nonisolated(unsafe) private(set) static var withoutDevice = 0
    /// The network card's slot and interrupt, once routed (for the next kernel).
    nonisolated(unsafe) private(set) static var slot: (base: UInt64, interrupt: UInt32)?

    /// Returns false when the device tree named no interrupt (the service then polls on the tick).
    static func route(_ device: VirtioMMIO, interrupt: UInt32) -> Bool {
        slot = (device.locator, interrupt)
        guard interrupt >= 32 else { return false }
        self.device = device
        id = interrupt
        GICv2.target(interrupt: interrupt, cpuMask: 1)
        GICv2.enable(interrupt: interrupt)
        return true
    }

    static func handle() {
        if device == nil { withoutDevice += 1 }
        device?.acknowledgeInterrupt()
    }
}

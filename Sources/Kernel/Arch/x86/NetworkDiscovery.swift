import LiveUpdate

extension Arch {
    /// QEMU microvm's virtio-mmio transports: 512 bytes apart from 0xFEB00000. With ACPI on (its
    /// default) microvm describes them only in the DSDT, not on the command line.
    private static let microvmMMIOBase: UInt = 0xFEB0_0000
    private static let microvmMMIOSlots: UInt = 24

    /// QEMU pc: virtio-net-pci on bus 0; microvm: virtio-mmio slots named on the command line,
    /// else its fixed transport window. Both interrupt through the I/O APIC.
    static func openNetworkDevice(handover: NICHandover?) throws(VirtioError) -> NetworkDevice? {
        if let pci = VirtioLegacyPCI.findNetwork() {
            let driver = try VirtioNet(transport: pci, handover: handover)
            return NetworkDevice(name: "virtio-net-pci (legacy)", driver, interrupts: NetworkInterrupt.route(pci))
        }
        VirtioMMIOSlots.addFromCommandLine()
        if VirtioMMIOSlots.count == 0 {
            for slot in 0..<microvmMMIOSlots {
                VirtioMMIOSlots.add(microvmMMIOBase + slot * 512, interrupt: microvmInterrupt(slot: UInt32(slot)))
            }
        }
        guard let mmio = VirtioMMIOSlots.findNetwork() else { return nil }
        let driver = try VirtioNet(transport: mmio.transport, handover: handover)
        return NetworkDevice(name: mmio.transport.name, driver,
                             interrupts: NetworkInterrupt.route(mmio.transport, gsi: mmio.interrupt))
    }

    /// microvm wires transport N to GSI 24 + N when it has a second I/O APIC (its default with
    /// ACPI), else to 16 + N with ACPI; without ACPI the command line names the IRQ.
    private static func microvmInterrupt(slot: UInt32) -> UInt32 {
        IOAPIC.secondaryIsPresent ? IOAPIC.secondaryBase + slot : 16 + slot
    }
}

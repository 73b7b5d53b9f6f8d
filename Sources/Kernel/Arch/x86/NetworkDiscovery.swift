extension Arch {
    /// QEMU pc: virtio-net-pci on bus 0; microvm: virtio-mmio slots named on the command line.
    static func openNetworkDevice() throws(VirtioError) -> NetworkDevice? {
        if let pci = VirtioLegacyPCI.findNetwork() {
            return NetworkDevice(name: "virtio-net-pci (legacy)", try VirtioNet(transport: pci))
        }
        VirtioMMIOSlots.addFromCommandLine()
        return try VirtioMMIOSlots.openNetwork()
    }
}

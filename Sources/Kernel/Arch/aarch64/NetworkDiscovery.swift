extension Arch {
    /// QEMU virt: virtio-mmio slots from the device tree (recorded at boot).
    static func openNetworkDevice() throws(VirtioError) -> NetworkDevice? {
        try VirtioMMIOSlots.openNetwork()
    }
}

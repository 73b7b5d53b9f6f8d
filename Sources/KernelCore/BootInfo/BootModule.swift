/// A file the loader placed in memory next to the kernel (QEMU `-initrd`): a Multiboot
/// module, a PVH module or the device tree's initrd range.
public struct BootModule: Equatable, Sendable {
    public let address: UInt64
    public let size: UInt64

    public init(address: UInt64, size: UInt64) {
        self.address = address
        self.size = size
    }
}

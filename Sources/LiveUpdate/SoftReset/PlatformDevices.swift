/// Where the platform's devices are (soft-reset block offsets 1408..<1448), so that the next
/// kernel need not find them again: on aarch64 walking QEMU's device tree costs about 400,000
/// instructions. Zero fields: not known (x86, whose devices are found by cheaper means).
public struct PlatformDevices: Equatable, Sendable {
    /// The console UART's registers.
    public var console: UInt64 = 0
    /// The interrupt controller's distributor and CPU interface (GICv2).
    public var interruptDistributor: UInt64 = 0
    public var interruptCPUInterface: UInt64 = 0
    /// The virtio-mmio slot of the network card, and its interrupt (GIC interrupt ID).
    public var networkSlot: UInt64 = 0
    public var networkInterrupt: UInt32 = 0

    public init() {}

    static let offset = 1408
    static let size = 40

    /// Whether anything is known; an all-zero record is the same as none.
    public var isEmpty: Bool { self == PlatformDevices() }

    func write(to block: UnsafeMutableRawPointer) {
        for (index, value) in [console, interruptDistributor, interruptCPUInterface, networkSlot].enumerated() {
            block.storeLE(value, at: Self.offset + 8 * index)
        }
        block.storeLE(networkInterrupt, at: Self.offset + 32)
    }

    init(reading block: UnsafeRawPointer) {
        let word = { (index: Int) in block.loadLE(at: Self.offset + 8 * index, as: UInt64.self) }
        console = word(0)
        interruptDistributor = word(1)
        interruptCPUInterface = word(2)
        networkSlot = word(3)
        networkInterrupt = block.loadLE(at: Self.offset + 32, as: UInt32.self)
    }
}

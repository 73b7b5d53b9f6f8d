/// The virtio-mmio transport (virtio 1.x section 4.2), legacy (version 1, page-frame queue
/// addresses) or modern (version 2, 64-bit ring addresses).
struct VirtioMMIO: VirtioTransport {
    let registers: MMIORegion
    let version: UInt32

    static let magic: UInt32 = 0x7472_6976  // "virt"

    private enum Register {
        static let magic: UInt = 0x000
        static let version: UInt = 0x004
        static let deviceID: UInt = 0x008
        static let deviceFeatures: UInt = 0x010
        static let deviceFeaturesSelect: UInt = 0x014
        static let driverFeatures: UInt = 0x020
        static let driverFeaturesSelect: UInt = 0x024
        static let guestPageSize: UInt = 0x028
        static let queueSelect: UInt = 0x030
        static let queueSizeMaximum: UInt = 0x034
        static let queueSize: UInt = 0x038
        static let queueAlign: UInt = 0x03C
        static let queuePageFrame: UInt = 0x040
        static let queueReady: UInt = 0x044
        static let queueNotify: UInt = 0x050
        static let interruptStatus: UInt = 0x060
        static let interruptAcknowledge: UInt = 0x064
        static let status: UInt = 0x070
        static let queueDescriptor: UInt = 0x080
        static let queueDriver: UInt = 0x090
        static let queueDevice: UInt = 0x0A0
        static let config: UInt = 0x100
    }

    /// The transport at `base` if a device of type `deviceID` sits there (1 = network).
    init?(base: UInt, deviceID: UInt32) {
        let registers = MMIORegion(base: base)
        let version = registers.read32(Register.version)
        guard registers.read32(Register.magic) == Self.magic, version == 1 || version == 2,
              registers.read32(Register.deviceID) == deviceID else { return nil }
        self.registers = registers
        self.version = version
    }

    var isModern: Bool { version == 2 }
    var locator: UInt64 { UInt64(registers.base) }
    var name: StaticString { isModern ? "virtio-net-mmio (modern)" : "virtio-net-mmio (legacy)" }
    var status: UInt8 { UInt8(truncatingIfNeeded: registers.read32(Register.status)) }
    func setStatus(_ status: UInt8) { registers.write32(Register.status, UInt32(status)) }

    func deviceFeatures() -> UInt64 {
        registers.write32(Register.deviceFeaturesSelect, 0)
        let low = registers.read32(Register.deviceFeatures)
        registers.write32(Register.deviceFeaturesSelect, 1)
        return UInt64(registers.read32(Register.deviceFeatures)) << 32 | UInt64(low)
    }

    func setDriverFeatures(_ features: UInt64) {
        registers.write32(Register.driverFeaturesSelect, 0)
        registers.write32(Register.driverFeatures, UInt32(truncatingIfNeeded: features))
        registers.write32(Register.driverFeaturesSelect, 1)
        registers.write32(Register.driverFeatures, UInt32(truncatingIfNeeded: features >> 32))
    }

    func maximumQueueSize(_ index: UInt16) -> UInt16 {
        registers.write32(Register.queueSelect, UInt32(index))
        return UInt16(truncatingIfNeeded: min(registers.read32(Register.queueSizeMaximum), 0x8000))
    }

    var queueSizeIsFixed: Bool { false }

    func activate(_ queue: Virtqueue) {
        registers.write32(Register.queueSelect, UInt32(queue.index))
        registers.write32(Register.queueSize, UInt32(queue.size))
        if isModern {
            write64(Register.queueDescriptor, queue.descriptorTableAddress)
            write64(Register.queueDriver, queue.availableRingAddress)
            write64(Register.queueDevice, queue.usedRingAddress)
            registers.write32(Register.queueReady, 1)
        } else {
            registers.write32(Register.guestPageSize, UInt32(Virtqueue.pageSize))
            registers.write32(Register.queueAlign, UInt32(Virtqueue.pageSize))
            registers.write32(Register.queuePageFrame, UInt32(truncatingIfNeeded: queue.ringAddress / Virtqueue.pageSize))
        }
    }

    private func write64(_ offset: UInt, _ value: UInt) {
        registers.write32(offset, UInt32(truncatingIfNeeded: value))
        registers.write32(offset + 4, UInt32(truncatingIfNeeded: UInt64(value) >> 32))
    }

    func notify(_ queueIndex: UInt16) { registers.write32(Register.queueNotify, UInt32(queueIndex)) }
    func configByte(_ offset: UInt) -> UInt8 { registers.read8(Register.config + offset) }

    func acknowledgeInterrupt() {
        registers.write32(Register.interruptAcknowledge, registers.read32(Register.interruptStatus))
    }
}

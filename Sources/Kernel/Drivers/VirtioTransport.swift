/// How a virtio driver reaches its device's common registers (virtio 1.x chapter 4): PCI
/// with the legacy I/O-port interface, or MMIO (legacy version 1 or modern version 2).
protocol VirtioTransport {
    /// Whether the device speaks virtio 1.x and so requires VIRTIO_F_VERSION_1.
    var isModern: Bool { get }
    var status: UInt8 { get }
    func setStatus(_ status: UInt8)
    func deviceFeatures() -> UInt64
    func setDriverFeatures(_ features: UInt64)
    /// The largest queue size the device allows for queue `index` (0: no such queue).
    func maximumQueueSize(_ index: UInt16) -> UInt16
    /// Whether the driver may pick a smaller queue size (legacy PCI may not).
    var queueSizeIsFixed: Bool { get }
    /// Tells the device where the queue lives and enables it.
    func activate(_ queue: Virtqueue)
    func notify(_ queueIndex: UInt16)
    func configByte(_ offset: UInt) -> UInt8
    /// Reads and clears the interrupt status, which lowers the device's interrupt line.
    func acknowledgeInterrupt()
    /// Where the device is (MMIO base or I/O port): how a next kernel recognises it.
    var locator: UInt64 { get }
}

enum VirtioStatus {
    static let acknowledge: UInt8 = 1
    static let driver: UInt8 = 2
    static let driverOK: UInt8 = 4
    static let featuresOK: UInt8 = 8
    static let failed: UInt8 = 0x80
}

enum VirtioFeature {
    static let netMAC: UInt64 = 1 << 5
    static let version1: UInt64 = 1 << 32
}

enum VirtioError: Error {
    case featuresRejected
    case missingQueue(UInt16)
    case outOfMemory
}

/// A network device handed to the next kernel without a reset (soft-reset block offsets
/// 160..<240): where the device is, what was negotiated, and both virtqueues in virtio terms.
/// The queues and their buffers lie in the device memory region, which the next kernel keeps.
public struct NICHandover: Equatable, Sendable {
    /// One split virtqueue: descriptor `i` is bound to buffer `i` of `size` equal buffers.
    public struct Queue: Equatable, Sendable {
        public var ringAddress: UInt64
        public var bufferAddress: UInt64
        public var bufferSize: UInt32
        public var size: UInt16
        /// The driver's avail.idx and how far it consumed the used ring.
        public var availableIndex: UInt16
        public var usedIndex: UInt16
        /// The transmit free list.
        public var freeHead: UInt16
        public var freeCount: UInt16

        public init(ringAddress: UInt64, bufferAddress: UInt64, bufferSize: UInt32, size: UInt16,
                    availableIndex: UInt16, usedIndex: UInt16, freeHead: UInt16, freeCount: UInt16) {
            self.ringAddress = ringAddress
            self.bufferAddress = bufferAddress
            self.bufferSize = bufferSize
            self.size = size
            self.availableIndex = availableIndex
            self.usedIndex = usedIndex
            self.freeHead = freeHead
            self.freeCount = freeCount
        }

        static let encodedSize = 32

        func write(to block: UnsafeMutableRawPointer, at offset: Int) {
            block.storeLE(ringAddress, at: offset)
            block.storeLE(bufferAddress, at: offset + 8)
            block.storeLE(bufferSize, at: offset + 16)
            for (index, value) in [size, availableIndex, usedIndex, freeHead, freeCount].enumerated() {
                block.storeLE(value, at: offset + 20 + 2 * index)
            }
        }

        init(reading block: UnsafeRawPointer, at offset: Int) {
            let half = { (index: Int) in block.loadLE(at: offset + 20 + 2 * index, as: UInt16.self) }
            self.init(ringAddress: block.loadLE(at: offset, as: UInt64.self),
                      bufferAddress: block.loadLE(at: offset + 8, as: UInt64.self),
                      bufferSize: block.loadLE(at: offset + 16, as: UInt32.self),
                      size: half(0), availableIndex: half(1), usedIndex: half(2), freeHead: half(3), freeCount: half(4))
        }
    }

    /// Identifies the device to the next kernel's driver (an MMIO base or a PCI I/O port).
    public var locator: UInt64
    public var mac: UInt64
    /// Size of `struct virtio_net_hdr` as negotiated (10 legacy, 12 with VERSION_1).
    public var headerSize: UInt8
    public var receive: Queue
    public var transmit: Queue

    public init(locator: UInt64, mac: UInt64, headerSize: UInt8, receive: Queue, transmit: Queue) {
        self.locator = locator
        self.mac = mac
        self.headerSize = headerSize
        self.receive = receive
        self.transmit = transmit
    }

    static let offset = 160

    func write(to block: UnsafeMutableRawPointer) {
        block.storeLE(locator, at: Self.offset)
        block.storeLE(mac & 0xFFFF_FFFF_FFFF | UInt64(headerSize) << 56, at: Self.offset + 8)
        receive.write(to: block, at: Self.offset + 16)
        transmit.write(to: block, at: Self.offset + 16 + Queue.encodedSize)
    }

    /// The record in `block`, or nil when the old kernel left none (locator zero).
    static func read(from block: UnsafeRawPointer) -> NICHandover? {
        let locator = block.loadLE(at: offset, as: UInt64.self)
        guard locator != 0 else { return nil }
        let word = block.loadLE(at: offset + 8, as: UInt64.self)
        return NICHandover(locator: locator, mac: word & 0xFFFF_FFFF_FFFF, headerSize: UInt8(word >> 56),
                           receive: Queue(reading: block, at: offset + 16),
                           transmit: Queue(reading: block, at: offset + 16 + Queue.encodedSize))
    }
}

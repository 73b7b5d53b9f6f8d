import _Volatile
import LiveUpdate

/// One split virtqueue (virtio 1.x section 2.7) in the legacy contiguous layout, which every
/// transport accepts: the descriptor table, then the available ring, then (at the next 4 KiB
/// boundary) the used ring. Descriptor `i` is bound for life to buffer `i` of a pool of
/// equal-sized buffers, so the whole queue is described by the numbers in this struct:
/// a later live update can hand it to a new image instead of resetting the device.
///
/// Physical addresses equal virtual ones on every target.
struct Virtqueue {
    /// The queue's number at the device (0 = receive, 1 = transmit for virtio-net).
    let index: UInt16
    /// Number of descriptors (a power of two).
    let size: UInt16
    /// Start of the descriptor table; 4 KiB aligned.
    let ringAddress: UInt
    /// Start of the buffer pool: `size` buffers of `bufferSize` bytes.
    let bufferAddress: UInt
    let bufferSize: UInt32
    /// The driver's next available-ring slot (the value it last published in avail.idx).
    var availableIndex: UInt16 = 0
    /// How far the driver has consumed the used ring.
    var usedIndex: UInt16 = 0
    /// Free descriptors, linked through their `next` fields (transmit queues only).
    var freeHead: UInt16 = 0
    var freeCount: UInt16 = 0

    static let pageSize: UInt = 4096
    static let descriptorSize: UInt = 16
    static let writableFlag: UInt16 = 2
    static let noInterruptFlag: UInt16 = 1

    var availableOffset: UInt { UInt(size) * Self.descriptorSize }
    var usedOffset: UInt { Self.usedOffset(size: size) }

    static func usedOffset(size: UInt16) -> UInt {
        alignUp(UInt(size) * descriptorSize + 6 + 2 * UInt(size), pageSize)
    }

    /// Bytes of ring memory a queue of `size` descriptors needs.
    static func ringBytes(size: UInt16) -> UInt {
        usedOffset(size: size) + alignUp(6 + 8 * UInt(size), pageSize)
    }

    var descriptorTableAddress: UInt { ringAddress }
    var availableRingAddress: UInt { ringAddress + availableOffset }
    var usedRingAddress: UInt { ringAddress + usedOffset }

    /// Allocates and zeroes the rings and the buffer pool in device memory (which a live
    /// update keeps); every descriptor points at its buffer.
    init?(index: UInt16, size: UInt16, bufferSize: UInt32) {
        guard size > 0, size & (size &- 1) == 0,
              let rings = DeviceMemory.allocate(Self.ringBytes(size: size)),
              let pool = DeviceMemory.allocate(UInt(size) * UInt(bufferSize)) else { return nil }
        self.index = index
        self.size = size
        self.ringAddress = UInt(bitPattern: rings)
        self.bufferAddress = UInt(bitPattern: pool)
        self.bufferSize = bufferSize
        for descriptor in 0..<size {
            setDescriptor(descriptor, length: bufferSize, flags: 0, next: descriptor &+ 1)
        }
    }

    /// Takes over a queue another kernel left running; nil unless its memory lies in device
    /// memory and its numbers are consistent.
    init?(index: UInt16, adopting queue: NICHandover.Queue) {
        guard queue.size > 0, queue.size & (queue.size &- 1) == 0, queue.freeCount <= queue.size,
              queue.bufferSize >= 1536, UInt16(truncatingIfNeeded: queue.availableIndex &- queue.usedIndex) <= queue.size,
              DeviceMemory.claim(queue.ringAddress, count: UInt64(Self.ringBytes(size: queue.size))),
              DeviceMemory.claim(queue.bufferAddress, count: UInt64(queue.size) * UInt64(queue.bufferSize)) else { return nil }
        self.index = index
        size = queue.size
        ringAddress = UInt(queue.ringAddress)
        bufferAddress = UInt(queue.bufferAddress)
        bufferSize = queue.bufferSize
        availableIndex = queue.availableIndex
        usedIndex = queue.usedIndex
        freeHead = queue.freeHead
        freeCount = queue.freeCount
    }

    /// The queue in virtio terms, for the next kernel.
    var handover: NICHandover.Queue {
        NICHandover.Queue(ringAddress: UInt64(ringAddress), bufferAddress: UInt64(bufferAddress), bufferSize: bufferSize,
                          size: size, availableIndex: availableIndex, usedIndex: usedIndex, freeHead: freeHead, freeCount: freeCount)
    }

    func buffer(_ descriptor: UInt16) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: bufferAddress + UInt(descriptor) * UInt(bufferSize))!
    }

    private func pointer(_ address: UInt) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: address)!
    }

    func setDescriptor(_ descriptor: UInt16, length: UInt32, flags: UInt16, next: UInt16) {
        let entry = pointer(descriptorTableAddress + UInt(descriptor) * Self.descriptorSize)
        entry.storeBytes(of: UInt64(UInt(bitPattern: buffer(descriptor))).littleEndian, as: UInt64.self)
        entry.storeBytes(of: length.littleEndian, toByteOffset: 8, as: UInt32.self)
        entry.storeBytes(of: flags.littleEndian, toByteOffset: 12, as: UInt16.self)
        entry.storeBytes(of: next.littleEndian, toByteOffset: 14, as: UInt16.self)
    }

    private func descriptorNext(_ descriptor: UInt16) -> UInt16 {
        UInt16(littleEndian: pointer(descriptorTableAddress + UInt(descriptor) * Self.descriptorSize)
            .load(fromByteOffset: 14, as: UInt16.self))
    }

    /// Asks the device not to interrupt for this queue (the driver polls it).
    func suppressInterrupts() {
        VolatileMappedRegister<UInt16>(unsafeBitPattern: availableRingAddress).store(Self.noInterruptFlag.littleEndian)
    }

    /// Puts a descriptor in the next available slot; `publish` makes it visible.
    mutating func offer(_ descriptor: UInt16) {
        let slot = availableRingAddress + 4 + UInt(availableIndex & (size &- 1)) * 2
        pointer(slot).storeBytes(of: descriptor.littleEndian, as: UInt16.self)
        availableIndex &+= 1
    }

    /// Makes offered descriptors visible to the device: ring entries before the index.
    func publish() {
        memoryBarrier()
        VolatileMappedRegister<UInt16>(unsafeBitPattern: availableRingAddress + 2).store(availableIndex.littleEndian)
        memoryBarrier()
    }

    var hasUsed: Bool {
        UInt16(littleEndian: VolatileMappedRegister<UInt16>(unsafeBitPattern: usedRingAddress + 2).load()) != usedIndex
    }

    /// The next descriptor the device has finished with, and the bytes it wrote.
    /// Entries naming no descriptor of this queue (a broken device) are skipped.
    mutating func takeUsed() -> (descriptor: UInt16, length: UInt32)? {
        while hasUsed {
            memoryBarrier()
            let element = pointer(usedRingAddress + 4 + UInt(usedIndex & (size &- 1)) * 8)
            let identifier = UInt32(littleEndian: element.load(as: UInt32.self))
            let length = UInt32(littleEndian: element.load(fromByteOffset: 4, as: UInt32.self))
            usedIndex &+= 1
            if identifier < UInt32(size) { return (UInt16(identifier), length) }
        }
        return nil
    }

    /// Offers every descriptor for the device to write into (receive queues).
    mutating func offerAllForDevice() {
        for descriptor in 0..<size {
            setDescriptor(descriptor, length: bufferSize, flags: Self.writableFlag, next: 0)
            offer(descriptor)
        }
        publish()
    }

    /// Makes every descriptor free for the driver to fill (transmit queues).
    mutating func makeAllFree() {
        freeHead = 0
        freeCount = size
    }

    mutating func allocate() -> UInt16? {
        guard freeCount > 0 else { return nil }
        let descriptor = freeHead
        freeHead = descriptorNext(descriptor)
        freeCount -= 1
        return descriptor
    }

    mutating func release(_ descriptor: UInt16) {
        setDescriptor(descriptor, length: bufferSize, flags: 0, next: freeHead)
        freeHead = descriptor
        freeCount += 1
    }
}

func alignUp(_ value: UInt, _ alignment: UInt) -> UInt {
    (value + alignment - 1) & ~(alignment - 1)
}

/// Orders ring memory accesses against the device (DMB on ARM; x86 stores are ordered).
@_extern(c, "liu_memory_barrier") func memoryBarrier()

import LiveUpdate
import Net

/// A virtio network device (virtio 1.x section 5.1) with one receive and one transmit queue,
/// no offloads, polled. Every frame travels in one descriptor behind a zeroed virtio-net header.
final class VirtioNet<Transport: VirtioTransport> {
    let transport: Transport
    private(set) var receiveQueue: Virtqueue
    private(set) var transmitQueue: Virtqueue
    let mac: MACAddress
    /// `struct virtio_net_hdr`: 10 bytes for legacy devices, 12 with VIRTIO_F_VERSION_1.
    let headerSize: Int
    /// The queues came running from the previous kernel instead of a device reset.
    let adopted: Bool

    static var receiveQueueIndex: UInt16 { 0 }
    static var transmitQueueIndex: UInt16 { 1 }
    /// Header plus the largest Ethernet frame (1514 bytes), rounded to a power of two.
    static var bufferSize: UInt32 { 2048 }
    static var preferredQueueSize: UInt16 { 256 }

    /// Takes the device over as the previous kernel left it when `handover` describes it (the
    /// same device, still DRIVER_OK, queues in device memory): frames that arrived during the
    /// swap wait in the receive queue. Otherwise runs the initialisation sequence of virtio
    /// 1.x section 3.1.1 up to DRIVER_OK and posts every receive buffer.
    init(transport: Transport, handover: NICHandover? = nil) throws(VirtioError) {
        self.transport = transport
        if let handover, handover.locator == transport.locator, transport.status & VirtioStatus.driverOK != 0,
           handover.headerSize == 10 || handover.headerSize == 12,
           let receive = Virtqueue(index: Self.receiveQueueIndex, adopting: handover.receive),
           let transmit = Virtqueue(index: Self.transmitQueueIndex, adopting: handover.transmit) {
            receiveQueue = receive
            transmitQueue = transmit
            mac = MACAddress(raw: handover.mac)
            headerSize = Int(handover.headerSize)
            adopted = true
            return
        }
        adopted = false
        transport.setStatus(0)
        transport.setStatus(VirtioStatus.acknowledge)
        transport.setStatus(VirtioStatus.acknowledge | VirtioStatus.driver)

        let offered = transport.deviceFeatures()
        let wanted = VirtioFeature.netMAC | (transport.isModern ? VirtioFeature.version1 : 0)
        let accepted = offered & wanted
        transport.setDriverFeatures(accepted)
        let negotiated = VirtioStatus.acknowledge | VirtioStatus.driver | VirtioStatus.featuresOK
        transport.setStatus(negotiated)
        guard transport.status & VirtioStatus.featuresOK != 0,
              !transport.isModern || accepted & VirtioFeature.version1 != 0 else {
            transport.setStatus(VirtioStatus.failed)
            throw .featuresRejected
        }
        headerSize = accepted & VirtioFeature.version1 != 0 ? 12 : 10

        receiveQueue = try Self.makeQueue(Self.receiveQueueIndex, transport)
        transmitQueue = try Self.makeQueue(Self.transmitQueueIndex, transport)
        receiveQueue.offerAllForDevice()
        transmitQueue.makeAllFree()
        transmitQueue.suppressInterrupts()
        transport.activate(receiveQueue)
        transport.activate(transmitQueue)

        if accepted & VirtioFeature.netMAC != 0 {
            var raw: UInt64 = 0
            for offset in 0..<6 { raw = raw << 8 | UInt64(transport.configByte(UInt(offset))) }
            mac = MACAddress(raw: raw)
        } else {
            // Locally administered, unicast.
            mac = MACAddress(raw: (Entropy.next() & 0xFEFF_FFFF_FFFF) | 0x0200_0000_0000)
        }
        transport.setStatus(negotiated | VirtioStatus.driverOK)
        transport.notify(Self.receiveQueueIndex)
    }

    private static func makeQueue(_ index: UInt16, _ transport: Transport) throws(VirtioError) -> Virtqueue {
        let maximum = transport.maximumQueueSize(index)
        guard maximum > 0 else { throw .missingQueue(index) }
        let size = transport.queueSizeIsFixed ? maximum : min(maximum, preferredQueueSize)
        guard let queue = Virtqueue(index: index, size: size, bufferSize: bufferSize) else { throw .outOfMemory }
        return queue
    }

    /// The device and its queues for the next kernel.
    var handover: NICHandover {
        NICHandover(locator: transport.locator, mac: mac.raw, headerSize: UInt8(headerSize),
                    receive: receiveQueue.handover, transmit: transmitQueue.handover)
    }

    /// Sends one frame (without FCS); returns false when it is too large or the queue is full.
    @discardableResult
    func transmit(_ frame: UnsafeRawBufferPointer) -> Bool {
        reclaimTransmitted()
        guard frame.count + headerSize <= Int(Self.bufferSize),
              let descriptor = transmitQueue.allocate() else { return false }
        let buffer = transmitQueue.buffer(descriptor)
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: headerSize)
        if let source = frame.baseAddress {
            (buffer + headerSize).copyMemory(from: source, byteCount: frame.count)
        }
        transmitQueue.setDescriptor(descriptor, length: UInt32(headerSize + frame.count), flags: 0, next: 0)
        transmitQueue.offer(descriptor)
        transmitQueue.publish()
        transport.notify(Self.transmitQueueIndex)
        return true
    }

    /// Whether the device has returned receive buffers not yet handed on by `receive`.
    var hasReceived: Bool { receiveQueue.hasUsed }

    private func reclaimTransmitted() {
        while let used = transmitQueue.takeUsed() { transmitQueue.release(used.descriptor) }
    }

    /// Hands every received frame to `body` (valid only during the call), returns the buffers
    /// to the device and returns how many frames arrived.
    func receive(_ body: (UnsafeRawBufferPointer) -> Void) -> Int {
        var frames = 0
        var returned = false
        while let used = receiveQueue.takeUsed() {
            returned = true
            let length = Int(min(used.length, Self.bufferSize))
            if length > headerSize {
                let buffer = UnsafeRawPointer(receiveQueue.buffer(used.descriptor)) + headerSize
                body(UnsafeRawBufferPointer(start: buffer, count: length - headerSize))
                frames += 1
            }
            receiveQueue.setDescriptor(used.descriptor, length: Self.bufferSize, flags: Virtqueue.writableFlag, next: 0)
            receiveQueue.offer(used.descriptor)
        }
        // Also after runt frames only: their buffers must go back to the device too.
        if returned {
            receiveQueue.publish()
            transport.notify(Self.receiveQueueIndex)
        }
        reclaimTransmitted()
        return frames
    }
}

import LiveUpdate
import Net

/// A network device as the rest of the kernel sees it, whatever its driver and transport.
struct NetworkDevice {
    let name: StaticString
    let mac: MACAddress
    /// Sends one Ethernet frame (without FCS); drops it when the device is full.
    let transmit: (UnsafeRawBufferPointer) -> Void
    /// Hands every frame received since the last call to the closure; returns their number.
    let receive: ((UnsafeRawBufferPointer) -> Void) -> Int
    /// Whether frames wait for `receive` (checked with interrupts off before sleeping).
    let hasReceived: () -> Bool
    /// Whether the device interrupts on arrival; without, the service relies on the timer tick.
    let interrupts: Bool
    /// The queues came running from the previous kernel (no reset, no frame lost).
    let adopted: Bool
    /// At a hotswap: describes the running device in the block for the next kernel, or, with
    /// `liu.nic-handover=0`, resets it so that the next kernel starts it afresh.
    let handOver: (inout SoftResetBlock) -> Void

    init<Transport>(name: StaticString, _ driver: VirtioNet<Transport>, interrupts: Bool) {
        self.name = name
        self.interrupts = interrupts
        mac = driver.mac
        transmit = { frame in driver.transmit(frame) }
        receive = { body in driver.receive(body) }
        hasReceived = { driver.hasReceived }
        adopted = driver.adopted
        handOver = { block in
            if BootArguments.integer(for: "liu.nic-handover") == 0 {
                driver.transport.setStatus(0)
            } else {
                block.nic = driver.handover
            }
        }
    }

    /// Opens the first virtio network device of this machine (PCI, MMIO from the device tree or
    /// from `virtio_mmio.device=` on the command line).
    /// After an update, the device the previous kernel handed over is adopted if possible.
    static func open() -> NetworkDevice? {
        do throws(VirtioError) {
            let device = try Arch.openNetworkDevice(handover: SoftResetBoot.block?.nic)
            if let device { Hotswap.handOver.append(device.handOver) }
            return device
        } catch {
            Console.write("virtio-net: ")
            Console.write(error.explanation)
            Console.newline()
            return nil
        }
    }
}

extension VirtioError {
    var explanation: StaticString {
        switch self {
        case .featuresRejected: "the device rejected the features"
        case .missingQueue: "the device lacks a queue"
        case .outOfMemory: "no memory for the queues"
        }
    }
}

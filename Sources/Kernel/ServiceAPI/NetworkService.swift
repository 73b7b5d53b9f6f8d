import Net

/// What every network service stands on: the first virtio network device, a stack addressed
/// from the command line (`ip=`/`gw=`/`dns=` or `ip=dhcp`; without `ip=`, QEMU user
/// networking's 10.0.2.15/24 via 10.0.2.2), and the loop that serves them.
struct NetworkService {
    let device: NetworkDevice
    let stack: NetworkStack
    let addressing: AddressingMode

    /// Opens the device and the stack for the service `name`; nil without a device. With
    /// malformed addresses on the command line the service fails and says why. Prints its
    /// report unless `quietly` (a service resuming after an update prints it after it serves
    /// again: console output is slow and counts as downtime).
    static func open(_ name: String, quietly: Bool = false) -> NetworkService? {
        let addressing = addressingMode(name)
        guard let device = NetworkDevice.open() else { return nil }
        let stack = NetworkStack(config: addressing.interfaceConfig(mac: device.mac), random: Entropy.next,
                                 transmit: device.transmit)
        stack.poll(now: Clock.now())
        let service = NetworkService(device: device, stack: stack, addressing: addressing)
        if !quietly { service.report(name) }
        return service
    }

    /// Polls the device and the stack; sleeps until the next interrupt (the device's, or the
    /// timer tick at the latest) only when a round found no frame. Interrupts are off between
    /// the last look at the queue and the sleep, so an arrival in between still wakes it.
    /// `afterRound` runs after each round of frames (e.g. to start a pending update).
    func serve(afterRound: () -> Void = {}) -> Never {
        while true {
            let frames = device.receive { frame in stack.receive(frame: frame, now: Clock.now()) }
            let now = Clock.now()
            if let deadline = stack.nextDeadline, deadline <= now { stack.poll(now: now) }
            afterRound()
            guard frames == 0 else { continue }
            Arch.disableInterrupts()
            if device.hasReceived() { Arch.enableInterrupts() } else { Arch.waitForInterrupt() }
        }
    }

    private static func addressingMode(_ name: String) -> AddressingMode {
        let line = BootArguments.withBytes { [UInt8]($0) }
        do throws(AddressingMode.ParseError) {
            return try AddressingMode.parse(commandLine: line)
        } catch .missingAddress {
            return .manual(ip: IPv4Address(10, 0, 2, 15), netmask: .netmask(prefixLength: 24),
                           gateway: IPv4Address(10, 0, 2, 2), dns: IPv4Address(10, 0, 2, 3))
        } catch {
            ServiceRuntime.fail(name, "malformed ip=, gw= or dns= on the command line")
        }
    }

    func report(_ name: String) {
        Console.write(name)
        Console.write(": ")
        Console.write(device.name)
        Console.write(", MAC ")
        Console.write(stack.config.mac.description)
        Console.write(", address ")
        Console.write(stack.config.isConfigured ? stack.config.ip.description : "from DHCP")
        Console.write(device.interrupts ? ", interrupts" : ", polled on the timer tick")
        if device.adopted { Console.write(", queues adopted from the previous kernel") }
        if NetworkInterrupt.withoutDevice > 0 {
            Console.write(", ")
            Console.writeDecimal(UInt64(NetworkInterrupt.withoutDevice))
            Console.write(" interrupts came before the device was attached")
        }
        Console.newline()
    }
}

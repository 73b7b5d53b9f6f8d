import Net

/// `service=echo`: the RFC 862 echo service on TCP and UDP port 7 over the first virtio network
/// device. Addresses come from `ip=`/`gw=`/`dns=` (or `ip=dhcp`) on the command line; without
/// `ip=`, QEMU user networking's 10.0.2.15/24 via 10.0.2.2. Runs forever.
enum EchoService {
    static let port: UInt16 = 7

    static func run() -> Never {
        let mode = addressingMode()
        guard let device = NetworkDevice.open() else {
            Console.write("echo: no virtio network device\n")
            Arch.exit(.failure)
        }
        let stack = NetworkStack(config: mode.interfaceConfig(mac: device.mac), random: Entropy.next,
                                 transmit: device.transmit)
        stack.poll(now: Clock.now())
        report(device, stack.config)
        do throws(NetError) {
            if mode == .dhcp {
                let client = try stack.startDHCP()
                client.onConfigured = { config in
                    Console.write("echo: DHCP lease ")
                    Console.write(config.ip.description)
                    Console.newline()
                }
            }
            let listener = try stack.tcp.listen(port: port, backlog: 128)
            listener.onAccept = { connection in EchoSession.start(connection) }
            let socket = try stack.udp.bind(port: port)
            socket.onReceive = { sender, payload in try? socket.send(payload, to: sender) }
        } catch {
            Console.write("echo: cannot open port 7\n")
            Arch.exit(.failure)
        }
        Console.write("echo: listening on TCP and UDP port 7\n")
        serve(device, stack)
    }

    /// Polls the device and the stack; sleeps until the next interrupt (the device's, or the
    /// timer tick at the latest) only when a round found no frame. Interrupts are off between
    /// the last look at the queue and the sleep, so an arrival in between still wakes it.
    /// `afterRound` runs after each round of frames (e.g. to start a pending update).
    static func serve(_ device: NetworkDevice, _ stack: NetworkStack, afterRound: () -> Void = {}) -> Never {
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

    static func addressingMode() -> AddressingMode {
        let line = BootArguments.withBytes { String(decoding: $0, as: UTF8.self) }
        do throws(AddressingMode.ParseError) {
            return try AddressingMode.parse(commandLine: line)
        } catch .missingAddress {
            return .manual(ip: IPv4Address(10, 0, 2, 15), netmask: .netmask(prefixLength: 24),
                           gateway: IPv4Address(10, 0, 2, 2), dns: IPv4Address(10, 0, 2, 3))
        } catch {
            Console.write("echo: malformed ip=, gw= or dns= on the command line\n")
            Arch.exit(.failure)
        }
    }

    private static func report(_ device: NetworkDevice, _ config: InterfaceConfig) {
        Console.write("echo: ")
        Console.write(device.name)
        Console.write(", MAC ")
        Console.write(config.mac.description)
        Console.write(", address ")
        Console.write(config.isConfigured ? config.ip.description : "from DHCP")
        Console.write(device.interrupts ? ", interrupts" : ", polled on the timer tick")
        Console.newline()
    }
}

/// One echoed TCP connection. Reads only as much as the send buffer can take, so a slow reader
/// closes our receive window and the sender waits (back-pressure without extra buffering).
final class EchoSession {
    private let connection: TCPConnection
    private static let chunkSize = 16 * 1024
    nonisolated(unsafe) private static var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)

    private init(_ connection: TCPConnection) { self.connection = connection }

    static func start(_ connection: TCPConnection) {
        let session = EchoSession(connection)
        connection.noDelay = true
        connection.onReadable = { session.pump() }
        connection.onWritable = { session.pump() }
        connection.onClosed = { _ in
            connection.onReadable = nil
            connection.onWritable = nil
            connection.onClosed = nil
        }
    }

    private func pump() {
        while true {
            let room = min(connection.writableBytes, Self.chunkSize)
            guard room > 0, connection.availableBytes > 0 else { break }
            let count = connection.read(into: UnsafeMutableRawBufferPointer(rebasing: Self.scratch[0..<room]))
            guard count > 0 else { break }
            // Accepted in full: no more was read than the send buffer had room for.
            _ = connection.write(UnsafeRawBufferPointer(rebasing: Self.scratch[0..<count]))
        }
        if connection.isAtEndOfStream { connection.close() }
    }
}

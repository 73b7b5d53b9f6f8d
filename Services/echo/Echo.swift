import Kernel

/// The RFC 862 echo service on TCP and UDP port 7. Addresses come from `ip=`/`gw=`/`dns=` (or
/// `ip=dhcp`) on the command line; without `ip=`, QEMU user networking's 10.0.2.15/24 via
/// 10.0.2.2. Nothing of its own to save: every TCP connection, with the bytes in flight, is
/// kept across updates by the kernel.
@main
final class Echo: Service {
    static let stateID: UInt16 = 0xEC0
    static let port: UInt16 = 7

    init() {}

    func start(_ system: System) throws(ServiceFailure) {
        guard let network = system.network else { throw ServiceFailure("no virtio network device") }
        if system.argument("ip").map({ $0.utf8.elementsEqual("dhcp".utf8) }) == true && system.start == .coldBoot {
            do throws(NetError) {
                let client = try network.startDHCP()
                client.onConfigured = { config in
                    Console.write("echo: DHCP lease ")
                    Console.write(config.ip.description)
                    Console.newline()
                }
            } catch {
                throw ServiceFailure("cannot start DHCP")
            }
        }
        try system.listen(tcp: Self.port, backlog: 128) { connection in EchoSession.start(connection) }
        let socket = try system.bind(udp: Self.port)
        socket.onReceive = { sender, payload in try? socket.send(payload, to: sender) }
    }

    func started(_ system: System) {
        if system.start != .coldBoot {
            Console.write(system.isRestored ? "echo: connections restored: " : "echo: nothing restored, connections: ")
            Console.writeDecimal(UInt64(system.network?.tcp.connectionCount ?? 0))
            Console.newline()
        }
        Console.write("echo: listening on TCP and UDP port 7\n")
    }
}

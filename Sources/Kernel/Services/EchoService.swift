import LiveUpdate
import Net

/// `service=echo`: the RFC 862 echo service on TCP and UDP port 7 over the first virtio network
/// device. Addresses come from `ip=`/`gw=`/`dns=` (or `ip=dhcp`) on the command line; without
/// `ip=`, QEMU user networking's 10.0.2.15/24 via 10.0.2.2. Runs forever; takes live updates
/// on port 666 and keeps every TCP connection across them (nothing else to save).
enum EchoService {
    static let port: UInt16 = 7

    static func run() -> Never {
        let network = NetworkService.open("echo", quietly: SoftResetBoot.happened)
        let stack = network.stack
        let restored = network.resume { _ throws(StorageError) in }
        let updates: UpdateListener
        do throws(NetError) {
            if network.addressing == .dhcp {
                let client = try stack.startDHCP()
                client.onConfigured = { config in
                    Console.write("echo: DHCP lease ")
                    Console.write(config.ip.description)
                    Console.newline()
                }
            }
            let listener = try network.listen(port: port, backlog: 128)
            listener.onAccept = { connection in EchoSession.start(connection) }
            for connection in network.restoredConnections(port: port) { EchoSession.start(connection) }
            let socket = try stack.udp.bind(port: port)
            socket.onReceive = { sender, payload in try? socket.send(payload, to: sender) }
            updates = try network.openUpdatePorts { _ throws(StorageError) in }
        } catch {
            NetworkService.fail("echo", "cannot open port 7")
        }
        network.serving("echo")
        if SoftResetBoot.happened {
            Console.write(restored ? "echo: connections restored: " : "echo: nothing restored, connections: ")
            Console.writeDecimal(UInt64(stack.tcp.connectionCount))
            Console.newline()
        }
        Console.write("echo: listening on TCP and UDP port 7\n")
        network.serve { updates.startPendingUpdate() }
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
        session.pump()
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

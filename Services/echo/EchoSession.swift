import Kernel

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

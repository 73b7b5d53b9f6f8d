import LiveUpdate
import Net

/// `service=counter`: TCP port 8 answers every line with `count=<n> boots=<b> version=<v>`;
/// n counts requests, b boots (soft resets included). Both survive a live update pushed to
/// the update listener, saved behind a marker in the storage area.
enum CounterService {
    static let port: UInt16 = 8
    /// The image's build identifier: change it to tell an updated kernel from the old one.
    static let version: StaticString = "1"
    static let marker: UInt16 = 0x0C0
    static let countID: UInt16 = 1
    static let bootsID: UInt16 = 2

    nonisolated(unsafe) static var count: Int64 = 0
    nonisolated(unsafe) static var boots: Int64 = 0

    static func run() -> Never {
        if SoftResetBoot.happened { BootTimeline.print() }
        restore()
        boots += 1
        let network = NetworkService.open("counter")
        let updates = openPorts(network.stack)
        Console.write("counter: listening on TCP port 8, count=")
        Console.writeDecimal(count)
        Console.write(" boots=")
        Console.writeDecimal(boots)
        Console.newline()
        SoftResetBoot.reportDuration(until: "counter listening")
        network.serve { updates.startPendingUpdate() }
    }

    /// The counter's port and the update listener, whose save handler writes our state.
    private static func openPorts(_ stack: NetworkStack) -> UpdateListener {
        do throws(NetError) {
            let listener = try stack.tcp.listen(port: port, backlog: 16)
            listener.onAccept = { connection in CounterSession.start(connection) }
            return try UpdateListener(stack: stack) { (storage: inout Storage) throws(StorageError) in
                try storage.putMarker(id: marker)
                try storage.add(id: countID, count)
                try storage.add(id: bootsID, boots)
            }
        } catch {
            NetworkService.fail("counter", "cannot open its ports")
        }
    }

    static func answer() -> String {
        count += 1
        return "count=\(count) boots=\(boots) version=\(version.description)\n"
    }

    /// State from before a soft reset, if the storage area holds ours.
    private static func restore() {
        guard SoftResetBoot.happened else { return }
        do throws(StorageError) {
            try LiveUpdate.resume(at: StorageArea.pointer, limit: StorageArea.size) { (restore: inout Restore) throws(StorageError) in
                try restore.popMarker(id: marker)
                guard restore.id == countID else { throw .markerNotFound }
                count = try restore.asInt64()
                try restore.next()
                guard restore.id == bootsID else { throw .markerNotFound }
                boots = try restore.asInt64()
            }
            Console.write("counter: state restored\n")
        } catch {
            Console.write("counter: no saved state, starting from zero\n")
        }
    }
}

/// One client of the counter: every received newline gets an answer line.
final class CounterSession {
    static func start(_ connection: TCPConnection) {
        connection.noDelay = true
        connection.onReadable = {
            for byte in connection.readAll() where byte == UInt8(ascii: "\n") {
                _ = connection.write(Array(CounterService.answer().utf8))
            }
            if connection.isAtEndOfStream { connection.close() }
        }
        connection.onClosed = { _ in
            connection.onReadable = nil
            connection.onClosed = nil
        }
    }
}

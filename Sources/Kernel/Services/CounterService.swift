import LiveUpdate
import Net

/// `service=counter`, the live-update demo: TCP port 8 answers every line with
/// `count=<n> boots=<b> version=<v>` (n counts requests, b boots, v the image's label), and the
/// line `status` with the uptime across updates, the versions that ran and the last update's
/// downtime. The state survives images pushed to the update listener (port 666).
enum CounterService {
    static let port: UInt16 = 8

    nonisolated(unsafe) static var state = CounterState()

    /// After an update, everything is printed once the service serves again: console output
    /// is slow and would count as downtime.
    static func run() -> Never {
        let restored = restore()
        let network = NetworkService.open("counter", quietly: SoftResetBoot.happened)
        let updates = openPorts(network.stack)
        UpdateDowntime.serviceResumed()
        Trial.confirm()
        state.recordBoot(version: ImageVersion.label, downtime: UpdateDowntime.last?.total)
        if SoftResetBoot.happened {
            BootTimeline.print()
            UpdateDowntime.last?.print()
            network.report("counter")
            Console.write(restored ? "counter: state restored\n" : "counter: no saved state, starting from zero\n")
        }
        Console.write("counter: version ")
        Console.write(ImageVersion.label)
        Console.write(" listening on TCP port 8, count=")
        Console.writeDecimal(state.count)
        Console.write(" boots=")
        Console.writeDecimal(state.boots)
        Console.newline()
        network.serve { updates.startPendingUpdate() }
    }

    /// The counter's port, the update listener, whose save handler writes our state, and the
    /// port that registers the known-good image for rollbacks.
    private static func openPorts(_ stack: NetworkStack) -> UpdateListener {
        do throws(NetError) {
            let listener = try stack.tcp.listen(port: port, backlog: 16)
            listener.onAccept = { connection in CounterSession.start(connection) }
            _ = try UpdateListener(stack: stack, role: .rollbackImage) { _ throws(StorageError) in }
            return try UpdateListener(stack: stack, role: .update) { (storage: inout Storage) throws(StorageError) in
                try state.save(into: &storage, uptimeNow: Clock.now())
            }
        } catch {
            NetworkService.fail("counter", "cannot open its ports")
        }
    }

    /// The answer to one request line.
    static func answer(_ line: ArraySlice<UInt8>) -> String {
        guard line.elementsEqual("status".utf8) else {
            state.count += 1
            return "count=\(state.count) boots=\(state.boots) version=\(ImageVersion.label)\n"
        }
        let uptime = (state.uptimeBefore + Clock.now()) / 1_000_000
        let history = state.history.reduce("") { $0.isEmpty ? $1 : $0 + "," + $1 }
        let downtime = UpdateDowntime.last?.summary ?? "downtime-ns none"
        return "version=\(ImageVersion.label) count=\(state.count) boots=\(state.boots) uptime-ms=\(uptime) "
            + "updates=\(state.record.updates) history=\(history) \(downtime)\n"
    }

    /// State from before a soft reset, if the storage area holds ours; whether it did. On
    /// trial the area stays valid until the update is confirmed, and an update whose state
    /// cannot be resumed fails its trial (a rollback starts fresh instead).
    private static func restore() -> Bool {
        guard SoftResetBoot.happened else { return false }
        do throws(StorageError) {
            try LiveUpdate.resume(at: StorageArea.pointer, limit: StorageArea.size, keeping: Trial.isPending) {
                (restore: inout Restore) throws(StorageError) in
                FaultInjection.duringResume()
                try state.restore(from: &restore)
            }
            UpdateDowntime.stateRestored()
            return true
        } catch {
            if Trial.purpose == .update { Trial.failed("the service could not resume its state") }
            state = CounterState()
            return false
        }
    }
}

/// One client of the counter: every received line gets an answer line.
final class CounterSession {
    static func start(_ connection: TCPConnection) {
        connection.noDelay = true
        var pending: [UInt8] = []
        connection.onReadable = {
            pending += connection.readAll()
            while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = pending[..<end]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                _ = connection.write(Array(CounterService.answer(line).utf8))
                pending.removeSubrange(...end)
            }
            if connection.isAtEndOfStream { connection.close() }
        }
        connection.onClosed = { _ in
            connection.onReadable = nil
            connection.onClosed = nil
        }
    }
}

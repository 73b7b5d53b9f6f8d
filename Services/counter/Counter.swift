import Kernel

/// The live-update demo: TCP port 8 answers every line with `count=<n> boots=<b> version=<v>`
/// (n counts requests, b boots, v the image's label), and the line `status` with the uptime
/// across updates, the versions that ran and the last update's downtime. The count, the
/// history and every half-received line survive images pushed to the update port (666).
@main
final class Counter: Service {
    static let stateID: UInt16 = 0x0C0
    static let port: UInt16 = 8

    var state = CounterState()
    private var system: System?

    init() {}

    func restore(from restore: inout Restore) throws(StorageError) {
        try state.restore(from: &restore)
    }

    func save(into storage: inout Storage) throws(StorageError) {
        try state.save(into: &storage, uptimeNow: system?.now ?? 0)
        try CounterSession.save(into: &storage, id: CounterState.ID.session.rawValue)
    }

    func start(_ system: System) throws(ServiceFailure) {
        self.system = system
        try system.listen(tcp: Self.port) { connection in CounterSession.start(connection, answering: self) }
    }

    /// Printed once the service serves: console output is slow and would count as downtime.
    func started(_ system: System) {
        state.recordBoot(version: system.version, downtime: system.lastUpdate?.totalNanoseconds)
        if system.start != .coldBoot {
            Console.write(system.isRestored ? "counter: state restored\n" : "counter: no saved state, starting from zero\n")
        }
        Console.write("counter: version ")
        Console.write(system.version)
        Console.write(" listening on TCP port 8, count=")
        Console.writeDecimal(state.count)
        Console.write(" boots=")
        Console.writeDecimal(state.boots)
        Console.newline()
    }

    /// The answer to one request line.
    func answer(_ line: ArraySlice<UInt8>) -> String {
        let version = system?.version ?? ""
        guard line.elementsEqual("status".utf8) else {
            state.count += 1
            return "count=\(state.count) boots=\(state.boots) version=\(version)\n"
        }
        let uptime = (state.uptimeBefore + (system?.now ?? 0)) / 1_000_000
        let history = state.history.reduce("") { $0.isEmpty ? $1 : $0 + "," + $1 }
        let downtime = system?.lastUpdate?.summary ?? "downtime-ns none"
        return "version=\(version) count=\(state.count) boots=\(state.boots) uptime-ms=\(uptime) "
            + "updates=\(state.record.updates) history=\(history) \(downtime)\n"
    }
}

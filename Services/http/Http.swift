import Kernel

/// An HTTP/1.1 server on TCP port 80: GET and HEAD of the files in `Site`, `GET /status`
/// (JSON), keep-alive and pipelining, and the errors of Services/http/README.md. Its counters,
/// every connection, a half-received request and a half-sent response survive updates.
@main
final class Http: Service {
    static let stateID: UInt16 = 0x4854
    static let port: UInt16 = 80

    var state = HttpState()
    private var system: System?
    private var restoredConnections = 0
    private var restoredUnsentBytes = 0

    init() {}

    var now: UInt64 { system?.now ?? 0 }

    func restore(from restore: inout Restore) throws(StorageError) {
        try state.restore(from: &restore)
    }

    func save(into storage: inout Storage) throws(StorageError) {
        try state.save(into: &storage, uptimeNow: now)
        try HttpSession.save(into: &storage, id: HttpState.ID.session.rawValue, now: now)
    }

    func start(_ system: System) throws(ServiceFailure) {
        self.system = system
        HttpSession.configure(HttpLimits(system))
        try system.listen(tcp: Self.port, backlog: 128) { connection in
            if let unsent = HttpSession.attach(connection, server: self) {
                self.restoredConnections += 1
                self.restoredUnsentBytes += unsent
            }
        }
        HttpSession.forgetUnattached()
        system.every(milliseconds: 100) { HttpSession.expire(now: system.now) }
    }

    /// Printed once the service serves: console output is slow and would count as downtime.
    func started(_ system: System) {
        if system.lastUpdate != nil { state.updates += 1 }
        Console.write("http: version ")
        Console.write(system.version)
        Console.write(" listening on TCP port 80")
        if system.start != .coldBoot {
            Console.write(", restored ")
            Console.writeDecimal(UInt64(restoredConnections))
            Console.write(" sessions with ")
            Console.writeDecimal(UInt64(restoredUnsentBytes))
            Console.write(" bytes of responses unsent")
        }
        Console.newline()
    }

    /// `{"service":"http","version":…,"uptimeMilliseconds":…,"updates":…,"requests":…,
    /// "connections":…,"lastDowntimeNanoseconds":{"total":…,"save":…,…} or null}`.
    func statusJSON() -> [UInt8] {
        var json: [UInt8] = []
        json.append("{\"service\":\"http\",\"version\":\"")
        for byte in (system?.version ?? "").utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { json.append(UInt8(ascii: "\\")) }
            json.append(byte)
        }
        json.append("\",\"uptimeMilliseconds\":")
        json.appendDecimal((state.uptimeBefore + now) / 1_000_000)
        json.append(",\"updates\":")
        json.appendDecimal(UInt64(state.updates))
        json.append(",\"requests\":")
        json.appendDecimal(UInt64(state.requests))
        json.append(",\"connections\":")
        json.appendDecimal(UInt64(HttpSession.count))
        json.append(",\"lastDowntimeNanoseconds\":")
        if let summary = system?.lastUpdate?.summary {
            // "downtime-ns total=N save=N …" becomes {"total":N,"save":N,…}.
            let pairs = Array(summary.utf8).split(separator: UInt8(ascii: " ")).dropFirst()
            json.append("{")
            for (index, pair) in pairs.enumerated() {
                guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
                if index > 0 { json.append(",") }
                json.append("\"")
                json.append(contentsOf: pair[..<equals])
                json.append("\":")
                json.append(contentsOf: pair[(equals + 1)...])
            }
            json.append("}")
        } else {
            json.append("null")
        }
        json.append("}\n")
        return json
    }
}

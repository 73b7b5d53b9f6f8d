import Kernel

/// A Redis-protocol key-value store on TCP port 6379 (RESP2, pipelining, inline commands),
/// with strings, lists, hashes, sets and expiry. The keyspace with its deadlines, every client
/// connection with its unread requests and unsent replies, and the figures INFO reports are
/// kept across live updates. `kv.maxmemory=BYTES` limits the data (-OOM beyond it).
@main
final class Kv: Service {
    static let stateID: UInt16 = 0x6B76
    static let port: UInt16 = 6379
    /// The active expiry: every 100 ms, this many slots of the key table are looked at.
    static let sweepSlots = 2048

    /// The ids of the saved entries; never reuse one.
    enum Field: UInt16 {
        case clock = 1, updates, keys, session, commandsProcessed, connectionsReceived
    }

    let server = KvServer()

    init() {}

    func save(into storage: inout Storage) throws(StorageError) {
        try storage.add(id: Field.clock.rawValue, Int64(server.clock.milliseconds))
        try storage.add(id: Field.updates.rawValue, server.updates)
        try storage.add(id: Field.commandsProcessed.rawValue, server.commandsProcessed)
        try storage.add(id: Field.connectionsReceived.rawValue, server.connectionsReceived)
        try KeyspaceSnapshot.save(server.keyspace, into: &storage, id: Field.keys.rawValue)
        try Session.save(into: &storage, id: Field.session.rawValue)
    }

    func restore(from state: inout Restore) throws(StorageError) {
        try state.forEachEntry { (entry: borrowing Restore) throws(StorageError) in
            switch Field(rawValue: entry.id) {
            case .clock?: server.clock.before = UInt64(try entry.asInt64())
            case .updates?: server.updates = try entry.asInt64()
            case .commandsProcessed?: server.commandsProcessed = try entry.asInt64()
            case .connectionsReceived?: server.connectionsReceived = try entry.asInt64()
            case .keys?:
                let keyspace = server.keyspace
                guard try entry.withBytes({ KeyspaceSnapshot.restore($0, into: keyspace) }) else {
                    throw StorageError.malformedPayload(offset: 0)
                }
            case .session?: Session.restore(try entry.asBytes())
            case nil: break
            }
        }
    }

    func start(_ system: System) throws(ServiceFailure) {
        server.clock.system = system
        server.maxMemory = Int(truncatingIfNeeded: system.integerArgument("kv.maxmemory") ?? 0)
        server.random.state ^= system.now | 1
        let server = self.server
        try system.listen(tcp: Self.port, backlog: 128) { connection in Session.attach(connection, server: server) }
        system.every(milliseconds: 100) { server.keyspace.sweep(slots: Self.sweepSlots) }
    }

    /// Printed once the service serves: console output is slow and would count as downtime.
    func started(_ system: System) {
        if let downtime = system.lastUpdate?.totalNanoseconds {
            server.updates += 1
            server.lastDowntimeNanoseconds = downtime
        }
        Console.write("kv: version ")
        Console.write(system.version)
        Console.write(" listening on TCP port 6379, keys ")
        Console.writeDecimal(UInt64(server.keyspace.count))
        Console.write(", clients ")
        Console.writeDecimal(UInt64(Session.count))
        Console.newline()
    }
}

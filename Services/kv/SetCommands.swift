import Kernel

/// Sets: SADD, SREM, SMEMBERS, SISMEMBER, SCARD, SPOP (with a count).
enum SetCommands {
    nonisolated(unsafe) static let all: [Command] = [
        Command("sadd", arity: -3, growsMemory: true) { server, arguments, reply in
            guard let set = server.keyspace.container(arguments[1], server.keyspace.set, make: SetValue.init, wrap: Value.set) else {
                return reply.wrongType()
            }
            reply.integer(arguments.dropFirst(2).filter { set.add($0) }.count)
        },
        Command("srem", arity: -3) { server, arguments, reply in server.keyspace.removeElements(arguments, server.keyspace.set, into: &reply) },
        Command("smembers", arity: 2) { server, arguments, reply in
            switch server.keyspace.set(arguments[1]) {
            case .missing: reply.arrayHeader(0)
            case .wrongType: reply.wrongType()
            case .found(let set): reply.array(set.members.map { $0.key })
            }
        },
        Command("sismember", arity: 3) { server, arguments, reply in
            switch server.keyspace.set(arguments[1]) {
            case .missing: reply.integer(0)
            case .wrongType: reply.wrongType()
            case .found(let set): reply.boolean(set.contains(arguments[2]))
            }
        },
        Command("scard", arity: 2) { server, arguments, reply in
            switch server.keyspace.set(arguments[1]) {
            case .missing: reply.integer(0)
            case .wrongType: reply.wrongType()
            case .found(let set): reply.integer(set.count)
            }
        },
        Command("spop", arity: -2, spop),
    ]

    /// SPOP KEY [COUNT]: one random member (or nil), or with a count an array of up to COUNT.
    private static func spop(_ server: KvServer, _ arguments: [Bytes], _ reply: inout Reply) {
        guard arguments.count <= 3 else { return reply.syntaxError() }
        guard let count = popCount(arguments, into: &reply) else { return }
        switch server.keyspace.set(arguments[1]) {
        case .wrongType: reply.wrongType()
        case .missing: if count == nil { reply.null() } else { reply.arrayHeader(0) }
        case .found(let set):
            let take = Int(min(count ?? 1, Int64(set.count)))
            if count != nil { reply.arrayHeader(take) }
            for _ in 0..<take {
                let member = set.randomMember(&server.random)!
                _ = set.remove(member)
                reply.bulk(member)
            }
            server.keyspace.removeIfEmpty(arguments[1], count: set.count)
        }
    }
}

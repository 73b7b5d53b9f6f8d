import Kernel

/// Hashes: HSET, HGET, HDEL, HGETALL, HLEN, HINCRBY.
enum HashCommands {
    nonisolated(unsafe) static let all: [Command] = [
        Command("hset", arity: -4, growsMemory: true) { server, arguments, reply in
            guard arguments.count % 2 == 0 else { return CommandTable.wrongArity(Bytes("hset"), into: &reply) }
            guard let hash = writableHash(server, arguments[1]) else { return reply.wrongType() }
            var added = 0
            for index in stride(from: 2, to: arguments.count, by: 2) where hash.set(arguments[index], arguments[index + 1]) { added += 1 }
            reply.integer(added)
        },
        Command("hget", arity: 3) { server, arguments, reply in
            switch server.keyspace.hash(arguments[1]) {
            case .missing: reply.null()
            case .wrongType: reply.wrongType()
            case .found(let hash): if let value = hash[arguments[2]] { reply.bulk(value) } else { reply.null() }
            }
        },
        Command("hdel", arity: -3) { server, arguments, reply in server.keyspace.removeElements(arguments, server.keyspace.hash, into: &reply) },
        Command("hgetall", arity: 2) { server, arguments, reply in
            switch server.keyspace.hash(arguments[1]) {
            case .missing: reply.arrayHeader(0)
            case .wrongType: reply.wrongType()
            case .found(let hash):
                reply.arrayHeader(hash.count * 2)
                for (field, value) in hash.fields {
                    reply.bulk(field)
                    reply.bulk(value)
                }
            }
        },
        Command("hlen", arity: 2) { server, arguments, reply in
            switch server.keyspace.hash(arguments[1]) {
            case .missing: reply.integer(0)
            case .wrongType: reply.wrongType()
            case .found(let hash): reply.integer(hash.count)
            }
        },
        Command("hincrby", arity: 4, growsMemory: true) { server, arguments, reply in
            guard let amount = arguments[3].integer else { return reply.notInteger() }
            guard let hash = writableHash(server, arguments[1]) else { return reply.wrongType() }
            var current: Int64 = 0
            if let old = hash[arguments[2]] {
                guard let value = old.integer else { return reply.error("ERR hash value is not an integer") }
                current = value
            }
            let (sum, overflow) = current.addingReportingOverflow(amount)
            guard !overflow else { return reply.error("ERR increment or decrement would overflow") }
            var digits = Bytes()
            digits.appendDecimal(sum)
            hash.set(arguments[2], digits)
            reply.integer(sum)
        },
    ]

    private static func writableHash(_ server: KvServer, _ key: Bytes) -> HashValue? {
        server.keyspace.container(key, server.keyspace.hash, make: HashValue.init, wrap: Value.hash)
    }
}

import Kernel

/// Lists: LPUSH, RPUSH, LPOP, RPOP (with a count), LLEN, LRANGE, LINDEX.
enum ListCommands {
    nonisolated(unsafe) static let all: [Command] = [
        Command("lpush", arity: -3, growsMemory: true) { server, arguments, reply in push(server, arguments, front: true, &reply) },
        Command("rpush", arity: -3, growsMemory: true) { server, arguments, reply in push(server, arguments, front: false, &reply) },
        Command("lpop", arity: -2) { server, arguments, reply in pop(server, arguments, front: true, &reply) },
        Command("rpop", arity: -2) { server, arguments, reply in pop(server, arguments, front: false, &reply) },
        Command("llen", arity: 2) { server, arguments, reply in
            switch server.keyspace.list(arguments[1]) {
            case .missing: reply.integer(0)
            case .wrongType: reply.wrongType()
            case .found(let list): reply.integer(list.count)
            }
        },
        Command("lrange", arity: 4) { server, arguments, reply in
            guard let start = arguments[2].integer, let stop = arguments[3].integer else { return reply.notInteger() }
            switch server.keyspace.list(arguments[1]) {
            case .missing: reply.arrayHeader(0)
            case .wrongType: reply.wrongType()
            case .found(let list):
                let count = Int64(list.count)
                let first = max(start < 0 ? count + start : start, 0)
                let last = min(stop < 0 ? count + stop : stop, count - 1)
                guard first <= last else { return reply.arrayHeader(0) }
                reply.arrayHeader(Int(last - first + 1))
                for index in Int(first)...Int(last) { reply.bulk(list[index]) }
            }
        },
        Command("lindex", arity: 3) { server, arguments, reply in
            guard let index = arguments[2].integer else { return reply.notInteger() }
            switch server.keyspace.list(arguments[1]) {
            case .missing: reply.null()
            case .wrongType: reply.wrongType()
            case .found(let list):
                let position = index < 0 ? Int64(list.count) + index : index
                guard position >= 0 && position < Int64(list.count) else { return reply.null() }
                reply.bulk(list[Int(position)])
            }
        },
    ]

    private static func push(_ server: KvServer, _ arguments: [Bytes], front: Bool, _ reply: inout Reply) {
        guard let list = server.keyspace.container(arguments[1], server.keyspace.list, make: ListValue.init, wrap: Value.list) else {
            return reply.wrongType()
        }
        for element in arguments.dropFirst(2) {
            if front { list.pushFront(element) } else { list.pushBack(element) }
        }
        reply.integer(list.count)
    }

    /// LPOP/RPOP KEY [COUNT]: one element (or nil), or with a count an array of up to COUNT
    /// (a null array without the key).
    private static func pop(_ server: KvServer, _ arguments: [Bytes], front: Bool, _ reply: inout Reply) {
        guard arguments.count <= 3 else { return CommandTable.wrongArity(front ? Bytes("lpop") : Bytes("rpop"), into: &reply) }
        guard let count = popCount(arguments, into: &reply) else { return }
        switch server.keyspace.list(arguments[1]) {
        case .wrongType: reply.wrongType()
        case .missing: if count == nil { reply.null() } else { reply.nullArray() }
        case .found(let list):
            let take = Int(min(count ?? 1, Int64(list.count)))
            if count != nil { reply.arrayHeader(take) }
            for _ in 0..<take { reply.bulk((front ? list.popFront() : list.popBack())!) }
            server.keyspace.removeIfEmpty(arguments[1], count: list.count)
        }
    }
}

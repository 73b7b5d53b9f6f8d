import Kernel

/// Commands on keys of any type: EXISTS, DEL, TYPE, KEYS, SCAN, RENAME.
enum KeyCommands {
    nonisolated(unsafe) static let all: [Command] = [
        Command("exists", arity: -2, keys: (1, -1, 1)) { server, arguments, reply in
            reply.integer(arguments.dropFirst().filter { server.keyspace.exists($0) }.count)
        },
        Command("del", arity: -2, keys: (1, -1, 1)) { server, arguments, reply in
            var removed = 0
            for key in arguments.dropFirst() where server.keyspace.entry(key) != nil && server.keyspace.remove(key) { removed += 1 }
            reply.integer(removed)
        },
        Command("type", arity: 2) { server, arguments, reply in
            guard let value = server.keyspace.value(arguments[1]) else { return reply.simple("none") }
            reply.simple(value.typeName)
        },
        Command("keys", arity: 2) { server, arguments, reply in
            let pattern = GlobPattern(arguments[1])
            let keys = server.keyspace.scan(from: 0, count: Int.max) { key, _ in pattern.matchesAll || pattern.matches(key) }.keys
            reply.array(keys)
        },
        Command("scan", arity: -2, keys: (0, 0, 0), scan),
        Command("rename", arity: 3, keys: (1, 2, 1)) { server, arguments, reply in
            guard let entry = server.keyspace.entry(arguments[1]) else { return reply.error("ERR no such key") }
            if arguments[1] != arguments[2] {
                server.keyspace.remove(arguments[1])
                server.keyspace.set(arguments[2], entry.value, deadline: entry.deadline)
            }
            reply.ok()
        },
    ]

    /// SCAN CURSOR [MATCH PATTERN] [COUNT N] [TYPE T]: the cursor is a slot of the key table.
    private static func scan(_ server: KvServer, _ arguments: [Bytes], _ reply: inout Reply) {
        guard let cursor = arguments[1].integer, cursor >= 0 else { return reply.error("ERR invalid cursor") }
        var pattern: GlobPattern?
        var count = 10
        var type: Bytes?
        var index = 2
        while index < arguments.count {
            guard index + 1 < arguments.count else { return reply.syntaxError() }
            let option = arguments[index], value = arguments[index + 1]
            if option.equalsIgnoringCase("match") {
                pattern = GlobPattern(value)
            } else if option.equalsIgnoringCase("count") {
                guard let number = value.integer else { return reply.notInteger() }
                guard number >= 1 else { return reply.syntaxError() }
                count = Int(min(number, 1 << 30))
            } else if option.equalsIgnoringCase("type") {
                type = value.lowercased
            } else {
                return reply.syntaxError()
            }
            index += 2
        }
        let start = Int(min(cursor, Int64(Int32.max)))
        let step = server.keyspace.scan(from: start, count: count) { key, entry in
            (pattern.map { $0.matchesAll || $0.matches(key) } ?? true) && (type.map { $0 == Bytes(entry.value.typeName) } ?? true)
        }
        reply.arrayHeader(2)
        reply.bulkDecimal(Int64(step.next))
        reply.array(step.keys)
    }
}

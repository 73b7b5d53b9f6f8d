import Kernel

/// Strings: GET, SET (EX, PX, NX, XX, GET, KEEPTTL), GETSET, MGET, MSET, INCR, DECR, INCRBY,
/// DECRBY, APPEND, STRLEN.
enum StringCommands {
    nonisolated(unsafe) static let all: [Command] = [
        Command("get", arity: 2) { server, arguments, reply in
            switch server.keyspace.string(arguments[1]) {
            case .missing: reply.null()
            case .wrongType: reply.wrongType()
            case .found(let bytes): reply.bulk(bytes)
            }
        },
        Command("set", arity: -3, growsMemory: true, set),
        Command("getset", arity: 3, growsMemory: true) { server, arguments, reply in
            switch server.keyspace.string(arguments[1]) {
            case .wrongType: return reply.wrongType()
            case .missing: reply.null()
            case .found(let old): reply.bulk(old)
            }
            server.keyspace.set(arguments[1], .string(arguments[2]))
        },
        Command("mget", arity: -2, keys: (1, -1, 1)) { server, arguments, reply in
            reply.arrayHeader(arguments.count - 1)
            for key in arguments.dropFirst() {
                if case .found(let bytes) = server.keyspace.string(key) { reply.bulk(bytes) } else { reply.null() }
            }
        },
        Command("mset", arity: -3, growsMemory: true, keys: (1, -1, 2)) { server, arguments, reply in
            guard arguments.count % 2 == 1 else { return CommandTable.wrongArity(Bytes("mset"), into: &reply) }
            for index in stride(from: 1, to: arguments.count, by: 2) {
                server.keyspace.set(arguments[index], .string(arguments[index + 1]))
            }
            reply.ok()
        },
        Command("incr", arity: 2, growsMemory: true) { server, arguments, reply in increment(server, arguments[1], by: 1, &reply) },
        Command("decr", arity: 2, growsMemory: true) { server, arguments, reply in increment(server, arguments[1], by: -1, &reply) },
        Command("incrby", arity: 3, growsMemory: true) { server, arguments, reply in
            guard let amount = arguments[2].integer else { return reply.notInteger() }
            increment(server, arguments[1], by: amount, &reply)
        },
        Command("decrby", arity: 3, growsMemory: true) { server, arguments, reply in
            guard let amount = arguments[2].integer else { return reply.notInteger() }
            guard amount != Int64.min else { return reply.error("ERR decrement would overflow") }
            increment(server, arguments[1], by: -amount, &reply)
        },
        Command("append", arity: 3, growsMemory: true) { server, arguments, reply in
            switch server.keyspace.string(arguments[1]) {
            case .wrongType: reply.wrongType()
            case .missing:
                server.keyspace.set(arguments[1], .string(arguments[2]))
                reply.integer(arguments[2].count)
            case .found(let old):
                server.keyspace.replaceString(arguments[1], old + arguments[2])
                reply.integer(old.count + arguments[2].count)
            }
        },
        Command("strlen", arity: 2) { server, arguments, reply in
            switch server.keyspace.string(arguments[1]) {
            case .missing: reply.integer(0)
            case .wrongType: reply.wrongType()
            case .found(let bytes): reply.integer(bytes.count)
            }
        },
    ]

    /// SET KEY VALUE [NX | XX] [GET] [EX S | PX MS | KEEPTTL].
    private static func set(_ server: KvServer, _ arguments: [Bytes], _ reply: inout Reply) {
        var (nx, xx, get, keepTTL) = (false, false, false, false)
        var expiry: (amount: Int64, unit: Int64)?
        var index = 3
        while index < arguments.count {
            let option = arguments[index]
            if option.equalsIgnoringCase("nx") && !xx { nx = true }
            else if option.equalsIgnoringCase("xx") && !nx { xx = true }
            else if option.equalsIgnoringCase("get") { get = true }
            else if option.equalsIgnoringCase("keepttl") && expiry == nil { keepTTL = true }
            else if (option.equalsIgnoringCase("ex") || option.equalsIgnoringCase("px")) && expiry == nil && !keepTTL && index + 1 < arguments.count {
                guard let amount = arguments[index + 1].integer else { return reply.notInteger() }
                guard amount > 0 else { return ExpiryCommands.invalidExpireTime("set", into: &reply) }
                expiry = (amount, option.equalsIgnoringCase("ex") ? 1000 : 1)
                index += 1
            } else {
                return reply.syntaxError()
            }
            index += 1
        }
        var deadline: UInt64 = 0
        if let expiry {
            guard let at = ExpiryCommands.deadline(in: expiry.amount, unit: expiry.unit, now: server.clock.milliseconds) else {
                return ExpiryCommands.invalidExpireTime("set", into: &reply)
            }
            deadline = UInt64(at)
        }
        let key = arguments[1]
        let old = server.keyspace.entry(key)
        if get {
            switch server.keyspace.string(key) {
            case .wrongType: return reply.wrongType()
            case .missing: reply.null()
            case .found(let bytes): reply.bulk(bytes)
            }
        }
        guard !(nx && old != nil) && !(xx && old == nil) else {
            if !get { reply.null() }
            return
        }
        if keepTTL { deadline = old?.deadline ?? 0 }
        server.keyspace.set(key, .string(arguments[2]), deadline: deadline)
        if !get { reply.ok() }
    }

    private static func increment(_ server: KvServer, _ key: Bytes, by amount: Int64, _ reply: inout Reply) {
        var current: Int64 = 0
        switch server.keyspace.string(key) {
        case .wrongType: return reply.wrongType()
        case .missing: break
        case .found(let bytes):
            guard let value = bytes.integer else { return reply.notInteger() }
            current = value
        }
        let (sum, overflow) = current.addingReportingOverflow(amount)
        guard !overflow else { return reply.error("ERR increment or decrement would overflow") }
        var digits = Bytes()
        digits.appendDecimal(sum)
        server.keyspace.replaceString(key, digits)
        reply.integer(sum)
    }
}

import Kernel

/// Connection and server commands: PING, ECHO, QUIT, SELECT, DBSIZE, FLUSHALL, FLUSHDB,
/// COMMAND, CONFIG GET and INFO (`InfoReport`).
enum ServerCommands {
    nonisolated(unsafe) static let all: [Command] = [
        Command("ping", arity: -1, keys: (0, 0, 0)) { _, arguments, reply in
            switch arguments.count {
            case 1: reply.simple("PONG")
            case 2: reply.bulk(arguments[1])
            default: CommandTable.wrongArity(Bytes("ping"), into: &reply)
            }
        },
        Command("echo", arity: 2, keys: (0, 0, 0)) { _, arguments, reply in reply.bulk(arguments[1]) },
        Command("quit", arity: -1, keys: (0, 0, 0)) { _, _, reply in
            reply.ok()
            reply.closeConnection = true
        },
        Command("select", arity: 2, keys: (0, 0, 0)) { _, arguments, reply in
            guard let index = arguments[1].integer else { return reply.notInteger() }
            guard index == 0 else { return reply.error("ERR DB index is out of range") }
            reply.ok()
        },
        Command("dbsize", arity: 1, keys: (0, 0, 0)) { server, _, reply in reply.integer(server.keyspace.count) },
        Command("flushall", arity: -1, keys: (0, 0, 0), flush),
        Command("flushdb", arity: -1, keys: (0, 0, 0), flush),
        Command("command", arity: -1, keys: (0, 0, 0), command),
        Command("config", arity: -2, keys: (0, 0, 0), config),
        Command("info", arity: -1, keys: (0, 0, 0)) { server, arguments, reply in
            reply.bulk(InfoReport.text(server, sections: Array(arguments.dropFirst())))
        },
    ]

    /// FLUSHALL / FLUSHDB [ASYNC | SYNC]: both are immediate here.
    private static func flush(_ server: KvServer, _ arguments: [Bytes], _ reply: inout Reply) {
        guard arguments.count == 1 || (arguments.count == 2 && (arguments[1].equalsIgnoringCase("async") || arguments[1].equalsIgnoringCase("sync"))) else {
            return reply.syntaxError()
        }
        server.keyspace.removeAll()
        reply.ok()
    }

    /// COMMAND (every command's name, arity, flags and key positions), COMMAND COUNT,
    /// COMMAND INFO NAME…, and COMMAND DOCS (empty: redis-cli asks for it and does without).
    private static func command(_ server: KvServer, _ arguments: [Bytes], _ reply: inout Reply) {
        guard arguments.count > 1 else {
            reply.arrayHeader(CommandTable.all.count)
            for command in CommandTable.all { describe(command, into: &reply) }
            return
        }
        let subcommand = arguments[1]
        if subcommand.equalsIgnoringCase("count") && arguments.count == 2 {
            reply.integer(CommandTable.all.count)
        } else if subcommand.equalsIgnoringCase("info") {
            reply.arrayHeader(arguments.count - 2)
            for name in arguments.dropFirst(2) {
                if let command = CommandTable.byName[name.lowercased] { describe(command, into: &reply) } else { reply.nullArray() }
            }
        } else if subcommand.equalsIgnoringCase("docs") {
            reply.arrayHeader(0)
        } else {
            unknownSubcommand(subcommand, of: "COMMAND", into: &reply)
        }
    }

    private static func describe(_ command: Command, into reply: inout Reply) {
        reply.arrayHeader(6)
        reply.bulk(command.name)
        reply.integer(command.arity)
        reply.arrayHeader(command.growsMemory ? 2 : 1)
        reply.simple(command.growsMemory ? "write" : "fast")
        if command.growsMemory { reply.simple("denyoom") }
        reply.integer(command.keys.first)
        reply.integer(command.keys.last)
        reply.integer(command.keys.step)
    }

    /// CONFIG GET PATTERN…: the few parameters clients ask about (redis-benchmark asks for
    /// `save` and `appendonly` when it starts), as name/value pairs.
    private static func config(_ server: KvServer, _ arguments: [Bytes], _ reply: inout Reply) {
        guard arguments[1].equalsIgnoringCase("get") else { return unknownSubcommand(arguments[1], of: "CONFIG", into: &reply) }
        guard arguments.count > 2 else { return CommandTable.wrongArity(Bytes("config|get"), into: &reply) }
        var maxMemory = Bytes()
        maxMemory.appendDecimal(server.maxMemory)
        let parameters: [(Bytes, Bytes)] = [
            (Bytes("save"), []), (Bytes("appendonly"), Bytes("no")), (Bytes("databases"), Bytes("1")),
            (Bytes("maxmemory"), maxMemory), (Bytes("maxmemory-policy"), Bytes("noeviction")),
        ]
        let matching = parameters.filter { parameter in
            arguments.dropFirst(2).contains { GlobPattern($0.lowercased).matches(parameter.0) }
        }
        reply.arrayHeader(matching.count * 2)
        for (name, value) in matching {
            reply.bulk(name)
            reply.bulk(value)
        }
    }

    private static func unknownSubcommand(_ subcommand: Bytes, of command: StaticString, into reply: inout Reply) {
        reply.error(Bytes("ERR unknown subcommand '") + subcommand.prefix(128) + Bytes("'. Try ") + Bytes(command) + Bytes(" HELP."))
    }
}

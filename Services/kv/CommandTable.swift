import Kernel

/// A command: its name, Redis's arity (n: exactly n arguments with the name, -n: at least n),
/// whether it may add data (refused over maxmemory), where its keys are (for COMMAND), and
/// what it does.
struct Command {
    typealias Handler = (KvServer, [Bytes], inout Reply) -> Void

    let name: StaticString
    let arity: Int
    let growsMemory: Bool
    let keys: (first: Int, last: Int, step: Int)
    let run: Handler

    init(_ name: StaticString, arity: Int, growsMemory: Bool = false, keys: (Int, Int, Int) = (1, 1, 1), _ run: @escaping Handler) {
        self.name = name
        self.arity = arity
        self.growsMemory = growsMemory
        self.keys = keys
        self.run = run
    }

    func acceptsArgumentCount(_ count: Int) -> Bool { arity >= 0 ? count == arity : count >= -arity }
}

/// Every command, by lower-case name, and the checks Redis makes before running one.
enum CommandTable {
    nonisolated(unsafe) static let all: [Command] = ServerCommands.all + KeyCommands.all + ExpiryCommands.all + StringCommands.all
        + ListCommands.all + HashCommands.all + SetCommands.all

    nonisolated(unsafe) static let byName: HashMap<Bytes, Command> = {
        var table = HashMap<Bytes, Command>()
        for command in all { table[Bytes(command.name)] = command }
        return table
    }()

    static func execute(_ arguments: [Bytes], on server: KvServer, into reply: inout Reply) {
        server.commandsProcessed += 1
        guard let command = byName[arguments[0].lowercased] else { return unknownCommand(arguments, into: &reply) }
        guard command.acceptsArgumentCount(arguments.count) else { return wrongArity(Bytes(command.name), into: &reply) }
        if command.growsMemory && server.isOverMemoryLimit {
            return reply.error("OOM command not allowed when used memory > 'maxmemory'.")
        }
        command.run(server, arguments, &reply)
    }

    /// `ERR wrong number of arguments for 'NAME' command` (NAME as `get` or `config|get`).
    static func wrongArity(_ name: Bytes, into reply: inout Reply) {
        reply.error(Bytes("ERR wrong number of arguments for '") + name + Bytes("' command"))
    }

    private static func unknownCommand(_ arguments: [Bytes], into reply: inout Reply) {
        var message = Bytes("ERR unknown command '") + arguments[0].prefix(128) + Bytes("', with args beginning with: ")
        for argument in arguments.dropFirst() { message += [39] + argument.prefix(128) + [39, 32] }
        reply.error(message)
    }
}

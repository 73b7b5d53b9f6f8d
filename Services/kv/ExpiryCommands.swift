import Kernel

/// Expiry: EXPIRE, PEXPIRE (with NX, XX, GT, LT), TTL, PTTL, PERSIST. Deadlines are
/// milliseconds on the service clock, which goes on across updates.
enum ExpiryCommands {
    nonisolated(unsafe) static let all: [Command] = [
        Command("expire", arity: -3) { server, arguments, reply in expire(server, arguments, unit: 1000, name: "expire", &reply) },
        Command("pexpire", arity: -3) { server, arguments, reply in expire(server, arguments, unit: 1, name: "pexpire", &reply) },
        Command("ttl", arity: 2) { server, arguments, reply in remaining(server, arguments[1], unit: 1000, &reply) },
        Command("pttl", arity: 2) { server, arguments, reply in remaining(server, arguments[1], unit: 1, &reply) },
        Command("persist", arity: 2) { server, arguments, reply in
            guard let entry = server.keyspace.entry(arguments[1]), entry.deadline != 0 else { return reply.integer(0) }
            server.keyspace.setDeadline(arguments[1], 0)
            reply.integer(1)
        },
    ]

    /// The deadline `amount` units (1000: seconds, 1: milliseconds) from now; nil when it
    /// overflows, which Redis calls an invalid expire time.
    static func deadline(in amount: Int64, unit: Int64, now: UInt64) -> Int64? {
        let (milliseconds, overflow) = amount.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        let (deadline, overflow2) = milliseconds.addingReportingOverflow(Int64(now))
        return overflow2 ? nil : deadline
    }

    static func invalidExpireTime(_ name: StaticString, into reply: inout Reply) {
        reply.error(Bytes("ERR invalid expire time in '") + Bytes(name) + Bytes("' command"))
    }

    private static func expire(_ server: KvServer, _ arguments: [Bytes], unit: Int64, name: StaticString, _ reply: inout Reply) {
        guard let amount = arguments[2].integer else { return reply.notInteger() }
        var (nx, xx, gt, lt) = (false, false, false, false)
        for option in arguments.dropFirst(3) {
            if option.equalsIgnoringCase("nx") { nx = true }
            else if option.equalsIgnoringCase("xx") { xx = true }
            else if option.equalsIgnoringCase("gt") { gt = true }
            else if option.equalsIgnoringCase("lt") { lt = true }
            else { return reply.error(Bytes("ERR Unsupported option ") + option) }
        }
        if nx && (xx || gt || lt) { return reply.error("ERR NX and XX, GT or LT options at the same time are not compatible") }
        if gt && lt { return reply.error("ERR GT and LT options at the same time are not compatible") }
        let now = server.clock.milliseconds
        guard let deadline = deadline(in: amount, unit: unit, now: now) else { return invalidExpireTime(name, into: &reply) }
        guard let entry = server.keyspace.entry(arguments[1]) else { return reply.integer(0) }
        // No deadline counts as an infinite one for GT and LT.
        let current = entry.deadline
        if (nx && current != 0) || (xx && current == 0)
            || (gt && (current == 0 || deadline <= Int64(current))) || (lt && current != 0 && deadline >= Int64(current)) {
            return reply.integer(0)
        }
        if deadline <= Int64(now) {
            server.keyspace.remove(arguments[1])
        } else {
            server.keyspace.setDeadline(arguments[1], UInt64(deadline))
        }
        reply.integer(1)
    }

    /// TTL and PTTL: -2 without the key, -1 without a deadline, else the time left (TTL
    /// rounds to the nearest second, as Redis does).
    private static func remaining(_ server: KvServer, _ key: Bytes, unit: Int64, _ reply: inout Reply) {
        guard let entry = server.keyspace.entry(key) else { return reply.integer(-2) }
        guard entry.deadline != 0 else { return reply.integer(-1) }
        let left = Int64(entry.deadline - server.clock.milliseconds)
        reply.integer((left + unit / 2) / unit)
    }
}

import Kernel

/// INFO's text: `# Section` headers and `field:value` lines, CRLF-separated, for the
/// sections server, clients, memory, stats, keyspace, and this service's own: liveupdate (the
/// image's version, the updates the keyspace went through and the last one's downtime) and
/// network (the kernel's frame, retransmission and drop counters, to tell a slow client from
/// a lossy path).
enum InfoReport {
    static let sections: [StaticString] = ["server", "clients", "memory", "stats", "keyspace", "liveupdate", "network"]

    /// The sections named (any case; none, `all`, `default` or `everything`: every one).
    static func text(_ server: KvServer, sections requested: [Bytes]) -> Bytes {
        let everything = requested.isEmpty || requested.contains {
            $0.equalsIgnoringCase("all") || $0.equalsIgnoringCase("default") || $0.equalsIgnoringCase("everything")
        }
        var text = Bytes()
        for section in sections where everything || requested.contains(where: { $0.equalsIgnoringCase(section) }) {
            if !text.isEmpty { text += [13, 10] }
            write(section, of: server, into: &text)
        }
        return text
    }

    private static func write(_ section: StaticString, of server: KvServer, into text: inout Bytes) {
        let name = Bytes(section)
        text += Bytes("# ") + [name[0] - 32] + name.dropFirst() + [13, 10]
        func line(_ field: StaticString, _ value: Bytes) { text += Bytes(field) + [58] + value + [13, 10] }
        func number(_ field: StaticString, _ value: Int64) {
            var digits = Bytes()
            digits.appendDecimal(value)
            line(field, digits)
        }
        let uptimeMilliseconds = Int64(truncatingIfNeeded: server.clock.milliseconds)
        switch name {
        case Bytes("server"):
            line("redis_version", Bytes("7.0.0"))
            line("redis_mode", Bytes("standalone"))
            line("os", Bytes("swift-liveupdate"))
            line("arch", Bytes(server.system?.architecture ?? ""))
            number("tcp_port", Int64(Kv.port))
            number("uptime_in_seconds", uptimeMilliseconds / 1000)
            number("uptime_in_days", uptimeMilliseconds / 86_400_000)
        case Bytes("clients"):
            number("connected_clients", Int64(Session.count))
        case Bytes("memory"):
            number("used_memory", Int64(UsedMemory.bytes))
            number("maxmemory", Int64(server.maxMemory))
            line("maxmemory_policy", Bytes("noeviction"))
        case Bytes("stats"):
            number("total_connections_received", server.connectionsReceived)
            number("total_commands_processed", server.commandsProcessed)
        case Bytes("keyspace"):
            guard server.keyspace.count > 0 else { return }
            var value = Bytes("keys=")
            value.appendDecimal(server.keyspace.count)
            value += Bytes(",expires=")
            value.appendDecimal(server.keyspace.volatileCount)
            value += Bytes(",avg_ttl=0")
            line("db0", value)
        case Bytes("network"):
            guard let stats = server.system?.network?.stats else { return }
            number("frames_received", Int64(stats.framesReceived))
            number("frames_sent", Int64(stats.framesSent))
            number("tcp_retransmissions", Int64(stats.retransmissions))
            number("tcp_resets_sent", Int64(stats.resetsSent))
            number("dropped_backlog_full", Int64(stats[.backlogFull]))
            number("dropped_unacceptable_segment", Int64(stats[.unacceptableSegment]))
            number("dropped_no_listener", Int64(stats[.noListener]))
            number("dropped_total", Int64(stats.totalDropped))
        default:
            line("version", Array(server.version.utf8))
            number("updates", server.updates)
            number("last_downtime_us", Int64(server.lastDowntimeNanoseconds / 1000))
            line("last_downtime", server.system?.lastUpdate.map { Array($0.summary.utf8) } ?? Bytes("none"))
        }
    }
}

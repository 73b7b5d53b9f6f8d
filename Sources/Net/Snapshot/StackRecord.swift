/// The stack record, the BUFFER entry that opens the stack's group: a version-1 section with
/// the interface configuration, ISN secret and clock, and IP/port counters, then the ARP cache (with the
/// lifetimes left) and the listening ports. Reading writes straight into the stack; `restore`
/// puts the old values back if anything fails.
extension NetworkStack {
    static let stackRecordVersion: UInt16 = 1

    func codeStackRecord(_ coder: inout SnapshotCoder) throws(NetSnapshotError) {
        let section = try coder.beginSection(version: Self.stackRecordVersion)
        try coder.code(&config.mac)
        try coder.code(&config.ip)
        try coder.code(&config.netmask)
        try coder.code(&config.gateway)
        try coder.code(&config.dns)
        try coder.code(&isnSecret.0)
        try coder.code(&isnSecret.1)
        var isnClock = now &+ isnClockOffset
        try coder.code(&isnClock)
        isnClockOffset = isnClock &- now
        try coder.code(&ipIdentification)
        try coder.code(&nextEphemeralPort, in: ephemeralPortRange)
        try coder.endSection(section)

        var arpCount = arp.entries.count
        try coder.code(&arpCount)
        var listenerCount = tcpTables.listeners.count
        guard coder.isReading else {
            for (ip, entry) in arp.entries {
                var ip = ip, entry = entry
                try Self.code(&ip, &entry, &coder)
            }
            try coder.code(&listenerCount)
            for listener in tcpTables.listeners.values {
                var port = listener.port, backlog = listener.backlog
                try Self.code(&port, &backlog, &coder)
            }
            return
        }
        for _ in 0 ..< arpCount {
            var ip = IPv4Address.any, entry = ARPTable.Entry(mac: .zero, expires: 0)
            try Self.code(&ip, &entry, &coder)
            arp.entries[ip] = entry
        }
        try coder.code(&listenerCount)
        for _ in 0 ..< listenerCount {
            var port: UInt16 = 0, backlog = 1
            try Self.code(&port, &backlog, &coder)
            guard (try? tcp.listen(port: port, backlog: backlog)) != nil else { throw .duplicateListener(port) }
        }
    }

    private static func code(_ ip: inout IPv4Address, _ entry: inout ARPTable.Entry, _ coder: inout SnapshotCoder) throws(NetSnapshotError) {
        var expires: UInt64? = entry.expires
        try coder.code(&ip)
        try coder.code(&entry.mac)
        try coder.code(deadline: &expires)
        entry.expires = expires ?? 0
    }

    private static func code(_ port: inout UInt16, _ backlog: inout Int, _ coder: inout SnapshotCoder) throws(NetSnapshotError) {
        try coder.code(&port)
        try coder.code(&backlog, in: 1 ... SnapshotLimits.maximumInt)
    }
}

/// The stack-wide state in protocol terms: interface configuration, ISN secret, IP and port
/// counters, the ARP cache (with remaining lifetimes) and the listening ports. Layout: a
/// version-1 section with the fixed fields, then the ARP entries and the listeners.
struct StackRecord {
    static let version: UInt16 = 1

    struct ARPEntry {
        var ip = IPv4Address.any
        var mac = MACAddress.zero
        var expires: UInt64? = 0
    }

    struct Listener {
        var port: UInt16 = 0
        var backlog = 1
    }

    var config: InterfaceConfig
    var isnSecret: (UInt64, UInt64)
    var ipIdentification: UInt16
    var nextEphemeralPort: UInt16
    var arpEntries: [ARPEntry]
    var listeners: [Listener]

    init(_ stack: NetworkStack) {
        config = stack.config
        isnSecret = stack.isnSecret
        ipIdentification = stack.ipIdentification
        nextEphemeralPort = stack.nextEphemeralPort
        arpEntries = stack.arp.entries.compactMap { ip, entry in
            entry.expires > stack.now ? ARPEntry(ip: ip, mac: entry.mac, expires: entry.expires) : nil
        }
        listeners = stack.tcpTables.listeners.values.map { Listener(port: $0.port, backlog: $0.backlog) }
    }

    init(reading bytes: UnsafeRawBufferPointer, now: UInt64) throws(NetSnapshotError) {
        config = InterfaceConfig(mac: .zero)
        isnSecret = (0, 0)
        ipIdentification = 0
        nextEphemeralPort = ephemeralPortRange.lowerBound
        arpEntries = []
        listeners = []
        var reader = SnapshotReader(bytes, now: now)
        try code(&reader)
    }

    mutating func code<C: FieldCoder>(_ coder: inout C) throws(C.Failure) {
        let section = try coder.beginSection(version: Self.version)
        try coder.code(&config.mac)
        try coder.code(&config.ip)
        try coder.code(&config.netmask)
        try coder.code(&config.gateway)
        try coder.code(&config.dns)
        try coder.code(&isnSecret.0)
        try coder.code(&isnSecret.1)
        try coder.code(&ipIdentification)
        try coder.code(&nextEphemeralPort, in: ephemeralPortRange)
        try coder.endSection(section)
        try coder.code(&arpEntries, blank: ARPEntry()) { (coder: inout C, entry: inout ARPEntry) throws(C.Failure) in
            try coder.code(&entry.ip)
            try coder.code(&entry.mac)
            try coder.code(deadline: &entry.expires)
        }
        try coder.code(&listeners, blank: Listener()) { (coder: inout C, listener: inout Listener) throws(C.Failure) in
            try coder.code(&listener.port)
            try coder.code(&listener.backlog, in: 1 ... SnapshotLimits.maximumInt)
        }
    }
}

/// The whole protocol stack for one Ethernet interface. Event-driven and single-threaded: the
/// kernel hands it received frames and calls `poll(now:)` when `nextDeadline` passes; frames
/// leave through the `transmit` closure, which must not call back into the stack.
public final class NetworkStack {
    public var config: InterfaceConfig
    public let parameters: NetworkParameters
    public internal(set) var stats = NetStats()
    /// The latest monotonic time (ns) seen in `receive` or `poll`.
    public internal(set) var now: UInt64 = 0

    let transmitFrame: (UnsafeRawBufferPointer) -> Void
    let random: () -> UInt64
    var isnSecret: (UInt64, UInt64)
    /// Added to `now` for the ISN clock, so that it keeps counting from where the previous
    /// image's stopped (RFC 6528 needs it monotonic for a 4-tuple's successive connections).
    var isnClockOffset: UInt64 = 0
    let txBuffer: UnsafeMutableRawBufferPointer

    var arp = ARPTable()
    var tcpTables = TCPTables()
    var udpSockets = HashMap<UInt16, UDPSocket>()
    var serviceTimers = DeadlineHeap<ServiceTimer>()
    var serviceTimerSweepThreshold = 1024
    var nextEphemeralPort: UInt16
    var ipIdentification: UInt16 = 0

    /// - Parameters:
    ///   - random: source of unpredictable 64-bit values (ISN secret, ephemeral ports, DHCP xid).
    ///   - transmit: sends one complete Ethernet frame (without FCS).
    public init(config: InterfaceConfig, parameters: NetworkParameters = NetworkParameters(),
                random: @escaping () -> UInt64, transmit: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.config = config
        self.parameters = parameters
        self.random = random
        self.transmitFrame = transmit
        isnSecret = (random(), random())
        nextEphemeralPort = ephemeralPortRange.lowerBound &+ UInt16(truncatingIfNeeded: random() % UInt64(ephemeralPortRange.count))
        txBuffer = .allocate(byteCount: EthernetHeader.size + parameters.mtu, alignment: 8)
    }

    deinit { txBuffer.deallocate() }

    /// Processes one received Ethernet frame (without FCS).
    public func receive(frame: UnsafeRawBufferPointer, now: UInt64) {
        advanceClock(to: now)
        stats.framesReceived &+= 1
        guard let ethernet = EthernetHeader(parsing: frame) else { return stats.drop(.truncated) }
        guard ethernet.destination == config.mac || ethernet.destination.isBroadcast else { return stats.drop(.notForUs) }
        let payload = UnsafeRawBufferPointer(rebasing: frame[EthernetHeader.size...])
        switch ethernet.etherType {
        case EtherType.arp: receiveARP(payload)
        case EtherType.ipv4: receiveIPv4(payload)
        default: stats.drop(.unsupportedProtocol)
        }
    }

    /// Runs every timer that is due at `now`.
    public func poll(now: UInt64) {
        advanceClock(to: now)
        runServiceTimers()
        runTCPTimers()
        runARPTimers()
    }

    /// The earliest time at which `poll` has work to do, or nil when nothing is pending.
    public var nextDeadline: UInt64? {
        earliest(earliest(serviceTimers.earliest, tcpTables.timers.earliest), arp.nextRetry)
    }

    func advanceClock(to time: UInt64) {
        if time > now { now = time }
    }

    /// Builds an Ethernet frame around `fill` and sends it to `destination`.
    func sendEthernet(to destination: MACAddress, etherType: UInt16, payloadLength: Int,
                      fill: (UnsafeMutableRawBufferPointer) -> Void) {
        let frame = txBuffer.slice(0, EthernetHeader.size + payloadLength)
        EthernetHeader(destination: destination, source: config.mac, etherType: etherType).write(to: frame)
        fill(frame.slice(EthernetHeader.size, payloadLength))
        transmit(UnsafeRawBufferPointer(frame))
    }

    func transmit(_ frame: UnsafeRawBufferPointer) {
        stats.framesSent &+= 1
        transmitFrame(frame)
    }
}

enum EtherType {
    static let ipv4: UInt16 = 0x0800
    static let arp: UInt16 = 0x0806
}

struct EthernetHeader {
    static let size = 14
    var destination: MACAddress
    var source: MACAddress
    var etherType: UInt16

    init(destination: MACAddress, source: MACAddress, etherType: UInt16) {
        self.destination = destination
        self.source = source
        self.etherType = etherType
    }

    init?(parsing frame: UnsafeRawBufferPointer) {
        guard frame.count >= Self.size else { return nil }
        destination = MACAddress(reading: frame, at: 0)
        source = MACAddress(reading: frame, at: 6)
        etherType = frame.u16(12)
    }

    func write(to frame: UnsafeMutableRawBufferPointer) {
        destination.write(to: frame, at: 0)
        source.write(to: frame, at: 6)
        frame.put16(etherType, at: 12)
    }
}

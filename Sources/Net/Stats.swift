/// Why an incoming frame (or an outgoing packet) was dropped.
public enum DropReason: Int, CaseIterable, Sendable, Error {
    case truncated            // shorter than its headers or its stated length
    case badChecksum
    case badHeaderLength      // header length field outside its legal range
    case badOptions           // malformed TCP options
    case unsupportedProtocol  // unknown EtherType / IP protocol / ICMP type
    case notForUs             // addressed to another host
    case fragment             // IPv4 fragments are not reassembled
    case badAddress           // malformed ARP, martian source, ...
    case noListener           // TCP/UDP to a closed port
    case backlogFull          // listener backlog full (SYN dropped or a stale half-open connection gave way), or connection limit
    case arpUnresolved        // outgoing packet dropped: next hop never answered ARP
    case arpQueueFull         // outgoing packet dropped: too many waiting for ARP
    case unacceptableSegment  // TCP segment outside the receive window or failing RFC 5961 checks
    case oversized            // a reply would not fit the link MTU (e.g. a jumbo echo request)
}

/// Counters for received, sent and dropped traffic.
public struct NetStats: Sendable {
    public var framesReceived: UInt64 = 0
    public var framesSent: UInt64 = 0
    public var challengeACKsSent: UInt64 = 0
    public var resetsSent: UInt64 = 0
    public var retransmissions: UInt64 = 0
    public var fastRetransmissions: UInt64 = 0
    private var drops = [UInt64](repeating: 0, count: DropReason.allCases.count)

    public init() {}

    public subscript(reason: DropReason) -> UInt64 {
        get { drops[reason.rawValue] }
        set { drops[reason.rawValue] = newValue }
    }

    public var totalDropped: UInt64 { drops.reduce(0, &+) }

    mutating func drop(_ reason: DropReason) { drops[reason.rawValue] &+= 1 }
}

/// Tunables of the stack. Times are in nanoseconds of the kernel's monotonic clock.
public struct NetworkParameters: Sendable {
    public var mtu = 1500
    public var arpEntryLifetime: UInt64 = 300 * second
    public var arpRetryInterval: UInt64 = 1 * second
    public var arpMaxAttempts = 3
    public var arpMaxQueuedPerAddress = 16
    public var defaultTTL: UInt8 = 64

    public var tcpSendBufferSize = 256 * 1024
    public var tcpReceiveBufferSize = 256 * 1024
    public var tcpMaxConnections = 65536
    public var tcpMSL: UInt64 = 30 * second          // TIME_WAIT lasts 2 * MSL
    public var tcpInitialRTO: UInt64 = 1 * second    // RFC 6298 (2.1)
    public var tcpMinRTO: UInt64 = 200 * millisecond // RFC 6298 says 1 s; 200 ms is common practice
    public var tcpMaxRTO: UInt64 = 60 * second
    public var tcpMaxRetransmissions = 12            // data retransmissions before the connection times out
    public var tcpMaxSYNRetransmissions = 5
    public var tcpDelayedACKTimeout: UInt64 = 40 * millisecond
    public var tcpChallengeACKsPerSecond = 100       // RFC 5961 section 7 rate limit, stack-wide

    public init() {}

    public static let millisecond: UInt64 = 1_000_000
    public static let second: UInt64 = 1_000_000_000
}

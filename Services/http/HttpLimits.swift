import Kernel

/// What the server accepts from a client, from the kernel command line (defaults in brackets):
/// `http.max-head=BYTES` (8192) the request line and header fields, `http.max-body=BYTES`
/// (65536) a request body, `http.head-timeout-ms=MS` (10000) the time a client has to send a
/// whole request head once it started one, `http.idle-timeout-ms=MS` (60000) how long an idle
/// keep-alive connection stays open.
struct HttpLimits {
    var headBytes = 8192
    var bodyBytes = 65536
    var headTimeout: UInt64 = 10_000 * 1_000_000
    var idleTimeout: UInt64 = 60_000 * 1_000_000

    /// A head and a body wait whole in the connection's receive buffer (256 KiB) before they
    /// are answered, so both are capped well below it.
    static let headCap = 64 * 1024
    static let bodyCap = 128 * 1024

    init() {}

    init(_ system: System) {
        if let bytes = system.integerArgument("http.max-head") { headBytes = Int(min(max(bytes, 256), UInt64(Self.headCap))) }
        if let bytes = system.integerArgument("http.max-body") { bodyBytes = Int(min(bytes, UInt64(Self.bodyCap))) }
        if let milliseconds = system.integerArgument("http.head-timeout-ms") { headTimeout = max(milliseconds, 1) * 1_000_000 }
        if let milliseconds = system.integerArgument("http.idle-timeout-ms") { idleTimeout = max(milliseconds, 1) * 1_000_000 }
    }
}

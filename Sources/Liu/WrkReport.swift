import Foundation

/// What `wrk --latency` printed, read back: requests, rate, latency percentiles and the errors
/// it counts (it prints the error lines only when there are errors).
public struct WrkReport: Sendable {
    public var requests = 0
    public var requestsPerSecond = 0.0
    /// Milliseconds.
    public var p50 = 0.0, p99 = 0.0, max = 0.0
    /// connect, read, write, timeout.
    public var socketErrors: [String: Int] = [:]
    public var non2xx = 0
    public let text: String

    public init(_ text: String) {
        self.text = text
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ")
            if words.first == "Latency", words.count >= 4 { max = Self.milliseconds(words[3]) }
            if words.first == "50%", words.count >= 2 { p50 = Self.milliseconds(words[1]) }
            if words.first == "99%", words.count >= 2 { p99 = Self.milliseconds(words[1]) }
            if words.count >= 2, words[1] == "requests" { requests = Int(words[0]) ?? 0 }
            if words.first == "Requests/sec:", words.count >= 2 { requestsPerSecond = Double(words[1]) ?? 0 }
            if line.hasPrefix("  Non-2xx or 3xx responses:") { non2xx = Int(words.last ?? "") ?? 0 }
            if line.hasPrefix("  Socket errors:") {
                // "Socket errors: connect 0, read 0, write 0, timeout 4"
                let pairs = words.dropFirst(2).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ",")) }
                for index in stride(from: 0, to: pairs.count - 1, by: 2) { socketErrors[pairs[index]] = Int(pairs[index + 1]) ?? 0 }
            }
        }
    }

    /// Whether wrk ran to its summary.
    public var finished: Bool { text.contains("Requests/sec:") }
    public var totalSocketErrors: Int { socketErrors.values.reduce(0, +) }

    /// "850.00us", "1.35ms", "1.67s", "2.00m" in milliseconds.
    static func milliseconds(_ value: Substring) -> Double {
        for (unit, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)] where value.hasSuffix(unit) {
            return (Double(value.dropLast(unit.count)) ?? 0) * scale
        }
        return Double(value) ?? 0
    }

    /// "12345 requests, 9373.9 requests/s, latency p50 1.35 ms, p99 117.45 ms, max 1670.00 ms, 0 failed, 0 socket errors".
    public var summary: String {
        let errors = socketErrors.isEmpty ? "0 socket errors"
            : "socket errors " + ["connect", "read", "write", "timeout"].map { "\($0) \(socketErrors[$0] ?? 0)" }.joined(separator: ", ")
        return "\(requests) requests, " + String(format: "%.1f requests/s, latency p50 %.2f ms, p99 %.2f ms, max %.2f ms", requestsPerSecond, p50, p99, max)
            + ", \(non2xx) non-2xx, \(errors)"
    }
}

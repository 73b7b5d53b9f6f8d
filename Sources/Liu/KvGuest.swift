import Foundation

/// A kernel running the kv service (`Services/kv`) in QEMU, with its keys loaded and checked
/// over RESP. Used by `liu bench kv` and the kv boot tests. As root it sits on a tap device in
/// a namespace of its own, reached on its own address and port 6379: redis-benchmark opens
/// its clients all at once, which QEMU's forwarded ports, accepting one at a time, do not
/// survive (a client not accepted within 63 s is reset). Otherwise it is reached through a
/// forwarded port on 127.0.0.1.
public final class KvGuest {
    public static let port: UInt16 = 6379
    public let guest: ServiceGuest
    public var host: String { guest.host }
    public var hostPort: UInt16 { guest.hostPort(Self.port) }
    /// What runs a client program where the guest can be reached: put before its command line.
    public var launchPrefix: [String] { guest.namespace?.launchPrefix ?? [] }

    public init(target: KernelTarget, machine: Machine, accelerator: Accelerator, image: URL, commandLine: String = "",
                memoryMiB: Int? = nil) throws {
        guest = try ServiceGuest(target: target, machine: machine, accelerator: accelerator, image: image, tcpPorts: [Self.port],
                                 commandLine: commandLine, memoryMiB: memoryMiB, ready: "kv: version", tap: TapNamespace.isAvailable)
    }

    public func connect() throws -> RESPConnection {
        try guest.reach { [host, hostPort] in try RESPConnection(host: host, port: hostPort) }
    }

    /// Writes `count` string keys `key:N` of `valueBytes` bytes each (`value(N)` padded), up
    /// to 100 to an MSET (fewer for large values: a request must fit the service's 256 KiB
    /// receive buffer), 50 MSETs to a write.
    public func load(keys count: Int, valueBytes: Int, prefix: String = "key:") throws {
        let connection = try connect()
        let keysPerCommand = max(1, min(100, 128 * 1024 / (valueBytes + 64)))
        var index = 0
        while index < count {
            var batch: [[UInt8]] = []
            while batch.count < 50 && index < count {
                let end = min(index + keysPerCommand, count)
                var arguments: [[UInt8]] = [Array("MSET".utf8)]
                for key in index..<end { arguments += [Array("\(prefix)\(key)".utf8), Self.value(key, bytes: valueBytes)] }
                batch.append(RESPConnection.encode(arguments))
                index = end
            }
            for reply in try connection.pipeline(batch) where reply != .simple("OK") {
                throw Push.Failure("loading keys: MSET answered \(reply)")
            }
        }
    }

    /// Checks `count` keys written by `load`; the first key that differs, or nil.
    public func firstMismatch(keys count: Int, valueBytes: Int, prefix: String = "key:") throws -> String? {
        let connection = try connect()
        for start in stride(from: 0, to: count, by: 500) {
            let keys = start..<min(start + 500, count)
            let reply = try connection.pipeline([RESPConnection.encode([Array("MGET".utf8)] + keys.map { Array("\(prefix)\($0)".utf8) })])[0]
            guard case .array(let values?) = reply, values.count == keys.count else { return "MGET answered \(reply)" }
            for (key, value) in zip(keys, values) where value != .bulk(Self.value(key, bytes: valueBytes)) {
                return "\(prefix)\(key) is \(value)"
            }
        }
        return nil
    }

    /// `key`'s value: its number, then filler up to `bytes`.
    static func value(_ key: Int, bytes: Int) -> [UInt8] {
        let digits = Array("\(key)-".utf8)
        return digits + [UInt8](repeating: UInt8(ascii: "v"), count: max(0, bytes - digits.count))
    }

    /// INFO's `total_commands_processed`: the load served (redis-benchmark -l prints its
    /// results only at the end of a loop).
    public func commandsProcessed() throws -> Int {
        let info = try connect().command("INFO", "stats").text ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("total_commands_processed:") }
        return line.flatMap { Int($0.dropFirst("total_commands_processed:".count)) } ?? 0
    }

    public func push(_ bundle: [UInt8]) throws -> Push.Answer { try guest.push(bundle) }
    public func stop() -> QEMURun { guest.stop() }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A RESP2 reply, as the kv service (or Redis) sends it.
public enum RESPValue: Equatable, Sendable {
    case simple(String)
    case error(String)
    case integer(Int64)
    case bulk([UInt8]?)
    case array([RESPValue]?)

    public var isError: Bool {
        if case .error = self { return true }
        return false
    }

    /// A bulk string's text.
    public var text: String? {
        if case .bulk(let bytes?) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }
}

/// One blocking client connection speaking RESP2: commands go out as arrays of bulk strings,
/// many at a time when pipelined, and replies are read back in order. For loading and
/// checking keys in `liu bench kv` and the kv boot tests (redis-cli is one process per
/// command, too slow for 100,000 keys).
public final class RESPConnection {
    private let socket: Int32
    private var buffer: [UInt8] = []
    private var position = 0

    public init(host: String = "127.0.0.1", port: UInt16, timeoutSeconds: Int = 60) throws {
        socket = try Push.connect(host: host, port: port, timeoutSeconds: timeoutSeconds)
    }

    deinit { close(socket) }

    public static func encode(_ arguments: [String]) -> [UInt8] {
        encode(arguments.map { Array($0.utf8) })
    }

    public static func encode(_ arguments: [[UInt8]]) -> [UInt8] {
        var bytes = Array("*\(arguments.count)\r\n".utf8)
        for argument in arguments { bytes += Array("$\(argument.count)\r\n".utf8) + argument + [13, 10] }
        return bytes
    }

    /// Sends raw bytes (requests, or anything a test wants the service to see).
    public func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw Push.Failure.system("sending to the kv service") }
            sent += count
        }
    }

    /// Runs one command and returns its reply.
    public func command(_ arguments: String...) throws -> RESPValue {
        try send(Self.encode(arguments))
        return try reply()
    }

    /// Sends every command, then reads as many replies.
    public func pipeline(_ commands: [[UInt8]]) throws -> [RESPValue] {
        try send(commands.flatMap { $0 })
        return try commands.map { _ in try reply() }
    }

    public func reply() throws -> RESPValue {
        let line = try readLine()
        guard let type = line.first else { throw Push.Failure("an empty reply line") }
        let rest = String(decoding: line.dropFirst(), as: UTF8.self)
        switch type {
        case UInt8(ascii: "+"): return .simple(rest)
        case UInt8(ascii: "-"): return .error(rest)
        case UInt8(ascii: ":"):
            guard let value = Int64(rest) else { throw Push.Failure("a malformed integer reply ':\(rest)'") }
            return .integer(value)
        case UInt8(ascii: "$"):
            guard let length = Int(rest) else { throw Push.Failure("a malformed bulk length '\(rest)'") }
            guard length >= 0 else { return .bulk(nil) }
            let bytes = try read(length + 2)
            return .bulk(Array(bytes.dropLast(2)))
        case UInt8(ascii: "*"):
            guard let count = Int(rest) else { throw Push.Failure("a malformed array length '\(rest)'") }
            guard count >= 0 else { return .array(nil) }
            return .array(try (0..<count).map { _ in try reply() })
        default:
            throw Push.Failure("an unexpected reply line '\(String(decoding: line, as: UTF8.self))'")
        }
    }

    /// Every byte until the service closes the connection (a protocol error's reply, say).
    public func readToEnd() throws -> [UInt8] {
        var bytes = Array(buffer[position...])
        buffer = []
        position = 0
        while try fill() { bytes += buffer; buffer = [] }
        return bytes
    }

    private func readLine() throws -> [UInt8] {
        while true {
            if let newline = buffer[position...].firstIndex(of: 10), newline > position, buffer[newline - 1] == 13 {
                defer { position = newline + 1 }
                return Array(buffer[position..<(newline - 1)])
            }
            guard try fill() else { throw Push.Failure("the kv service closed the connection") }
        }
    }

    private func read(_ count: Int) throws -> [UInt8] {
        while buffer.count - position < count {
            guard try fill() else { throw Push.Failure("the kv service closed the connection") }
        }
        defer { position += count }
        return Array(buffer[position..<position + count])
    }

    /// Reads what arrived; false at the end of the stream.
    private func fill() throws -> Bool {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(socket, &chunk, chunk.count, 0)
        guard count >= 0 else { throw Push.Failure.system("reading from the kv service") }
        buffer += chunk[..<count]
        return count > 0
    }
}

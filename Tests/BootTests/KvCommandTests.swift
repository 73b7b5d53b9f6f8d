import Foundation
import Liu
import Testing

/// Every command of the kv service through Debian's redis-cli, on each target under TCG; the
/// answers are those the Redis command reference documents (redis-cli prints them `--no-raw`).
@Suite("kv service: commands through redis-cli", .serialized, .disabled(if: KvTesting.missingTools != nil, Comment(rawValue: KvTesting.missingTools ?? "")))
struct KvCommandTests {
    @Test("connection, server and string commands", arguments: KernelTarget.allCases)
    func strings(_ target: KernelTarget) throws {
        try KvTesting.with(target) { guest in
            try KvTesting.expect(guest, [
                ("PING", "PONG"), ("PING hello", "\"hello\""), ("ECHO hi", "\"hi\""), ("SELECT 0", "OK"),
                ("SELECT 1", "(error) ERR DB index is out of range"), ("DBSIZE", "(integer) 0"),
                ("SET k v", "OK"), ("GET k", "\"v\""), ("SET k v2 NX", "(nil)"), ("SET k v3 XX GET", "\"v\""), ("GET k", "\"v3\""),
                ("SET fresh 1 XX", "(nil)"), ("GET fresh", "(nil)"), ("SET fresh 1 NX", "OK"), ("SET k v NX XX", "(error) ERR syntax error"),
                ("SET n 10", "OK"), ("INCR n", "(integer) 11"), ("DECR n", "(integer) 10"), ("INCRBY n 5", "(integer) 15"),
                ("DECRBY n 20", "(integer) -5"), ("INCR counter", "(integer) 1"), ("INCR k", "(error) ERR value is not an integer or out of range"),
                ("INCRBY n x", "(error) ERR value is not an integer or out of range"),
                ("SET big 9223372036854775807", "OK"), ("INCR big", "(error) ERR increment or decrement would overflow"),
                ("APPEND k abc", "(integer) 5"), ("STRLEN k", "(integer) 5"), ("STRLEN nokey", "(integer) 0"), ("APPEND new xy", "(integer) 2"),
                ("GETSET k new", "\"v3abc\""), ("GETSET nokey2 x", "(nil)"), ("MSET a 1 b 2", "OK"), ("MGET a b nokey", "1) \"1\"\n2) \"2\"\n3) (nil)"),
                ("MSET a", "(error) ERR wrong number of arguments for 'mset' command"),
                ("MSET a 1 b", "(error) ERR wrong number of arguments for 'mset' command"),
                ("GET", "(error) ERR wrong number of arguments for 'get' command"),
                ("FOO bar baz", "(error) ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' "),
                ("COMMAND COUNT", "(integer) 51"), ("COMMAND INFO get", "1) 1) \"get\"\n   2) (integer) 2\n   3) 1) fast\n   4) (integer) 1\n   5) (integer) 1\n   6) (integer) 1"),
                ("CONFIG GET save", "1) \"save\"\n2) \"\""), ("CONFIG GET appendonly", "1) \"appendonly\"\n2) \"no\""),
                ("CONFIG GET nothing", "(empty array)"), ("CONFIG SET save x", "(error) ERR unknown subcommand 'SET'. Try CONFIG HELP."),
                ("DBSIZE", "(integer) 9"), ("FLUSHDB", "OK"), ("DBSIZE", "(integer) 0"), ("SET x 1", "OK"), ("FLUSHALL", "OK"),
                ("DBSIZE", "(integer) 0"), ("QUIT", "OK"),
            ])
            try KvTesting.expect(guest, [("SET", "(error) ERR wrong number of arguments for 'set' command")])
            let info = try KvTesting.cli(guest, ["INFO"])
            for line in ["# Server", "redis_version:", "# Clients", "connected_clients:1", "# Memory", "used_memory:", "# Keyspace",
                         "# Liveupdate", "version:1", "updates:0", "last_downtime:none"] {
                #expect(info.contains(line), "INFO lacks \(line):\n\(info)")
            }
            let clients = try KvTesting.cli(guest, ["INFO", "clients"])
            #expect(clients.hasPrefix("# Clients") && clients.contains("connected_clients:1") && !clients.contains("# Server"), "\(clients)")
        }
    }

    @Test("key commands, KEYS and SCAN patterns, expiry", arguments: KernelTarget.allCases)
    func keysAndExpiry(_ target: KernelTarget) throws {
        try KvTesting.with(target) { guest in
            try KvTesting.expect(guest, [
                ("MSET user:1 a user:2 b item:1 c u?x d", "OK"), ("EXISTS user:1 user:2 nokey user:1", "(integer) 3"),
                ("TYPE user:1", "string"), ("TYPE nokey", "none"), ("DEL user:2 nokey", "(integer) 1"),
                ("RENAME item:1 item:2", "OK"), ("GET item:2", "\"c\""), ("RENAME nokey x", "(error) ERR no such key"),
                ("SET user:3 x", "OK"), ("KEYS nomatch*", "(empty array)"), ("KEYS u\\?x", "1) \"u?x\""),
                ("SCAN x", "(error) ERR invalid cursor"), ("SCAN 0 COUNT", "(error) ERR syntax error"),
                ("SET e v EX 100", "OK"), ("TTL e", "(integer) 100"), ("PERSIST e", "(integer) 1"), ("TTL e", "(integer) -1"),
                ("PERSIST e", "(integer) 0"), ("TTL nokey", "(integer) -2"), ("PTTL nokey", "(integer) -2"),
                ("EXPIRE e 50", "(integer) 1"), ("EXPIRE e 60 NX", "(integer) 0"), ("EXPIRE e 40 GT", "(integer) 0"),
                ("EXPIRE e 70 GT", "(integer) 1"), ("TTL e", "(integer) 70"), ("EXPIRE nokey 10", "(integer) 0"),
                ("EXPIRE e x", "(error) ERR value is not an integer or out of range"),
                ("SET p v PX 0", "(error) ERR invalid expire time in 'set' command"),
                ("SET p v EX 9223372036854775807", "(error) ERR invalid expire time in 'set' command"),
                ("SET gone v", "OK"), ("EXPIRE gone -1", "(integer) 1"), ("EXISTS gone", "(integer) 0"),
            ])
            #expect(KvTesting.members(try KvTesting.cli(guest, ["KEYS", "user:*"])) == ["user:1", "user:3"])
            #expect(KvTesting.members(try KvTesting.cli(guest, ["KEYS", "[iu]*[^x]"])) == ["user:1", "user:3", "item:2"])
            let pttl = Int(try KvTesting.cli(guest, ["PTTL", "e"]).dropFirst("(integer) ".count)) ?? 0
            #expect((68_000...70_000).contains(pttl), "PTTL e: \(pttl)")
            // SCAN with a small COUNT until the cursor comes back to 0: every key, once.
            var cursor = "0", seen: [String] = []
            repeat {
                let answer = try KvTesting.cli(guest, ["SCAN", cursor, "MATCH", "*", "COUNT", "2"]).split(separator: "\n")
                cursor = String(answer[0].dropFirst(3).dropFirst().dropLast())
                seen += KvTesting.members(answer.dropFirst().joined(separator: "\n"))
            } while cursor != "0" && seen.count < 100
            #expect(Set(seen) == ["user:1", "user:3", "item:2", "u?x", "e"] && seen.count == 5, "\(seen)")
            #expect(KvTesting.members(try KvTesting.cli(guest, ["SCAN", "0", "MATCH", "user:*", "COUNT", "1000"])).isSuperset(of: ["user:1", "user:3"]))
            #expect(try KvTesting.cli(guest, ["SCAN", "0", "COUNT", "1000", "TYPE", "list"]) == "1) \"0\"\n2) (empty array)")
            try KvTesting.expect(guest, [("SET lazy v PX 300", "OK"), ("SET kept v PX 300", "OK"), ("SET kept w KEEPTTL", "OK")])
            Thread.sleep(forTimeInterval: 1)
            // Lazy expiry on access; the active sweep removes keys nobody asks for.
            try KvTesting.expect(guest, [("GET lazy", "(nil)"), ("DBSIZE", "(integer) 5"), ("TTL kept", "(integer) -2")])
        }
    }

    @Test("lists, hashes and sets", arguments: KernelTarget.allCases)
    func containers(_ target: KernelTarget) throws {
        try KvTesting.with(target) { guest in
            let wrongType = "(error) WRONGTYPE Operation against a key holding the wrong kind of value"
            try KvTesting.expect(guest, [
                ("RPUSH l a b c", "(integer) 3"), ("LPUSH l z", "(integer) 4"), ("LRANGE l 0 -1", "1) \"z\"\n2) \"a\"\n3) \"b\"\n4) \"c\""),
                ("LRANGE l -2 100", "1) \"b\"\n2) \"c\""), ("LRANGE l 3 1", "(empty array)"), ("LINDEX l 1", "\"a\""), ("LINDEX l -1", "\"c\""),
                ("LINDEX l 9", "(nil)"), ("LLEN l", "(integer) 4"), ("TYPE l", "list"), ("LPOP l", "\"z\""), ("RPOP l", "\"c\""),
                ("LPOP l -1", "(error) ERR value is out of range, must be positive"), ("LPOP l 5", "1) \"a\"\n2) \"b\""),
                ("LLEN l", "(integer) 0"), ("EXISTS l", "(integer) 0"), ("LPOP l", "(nil)"), ("LPOP l 2", "(nil)"), ("LRANGE l 0 -1", "(empty array)"),
                ("SET s v", "OK"), ("LPUSH s x", wrongType), ("LRANGE s 0 1", wrongType), ("GET l", "(nil)"),
                ("HSET h f1 1 f2 2", "(integer) 2"), ("HSET h f1 3", "(integer) 0"), ("HGET h f1", "\"3\""), ("HGET h nofield", "(nil)"),
                ("HINCRBY h f1 5", "(integer) 8"), ("HINCRBY h f3 -1", "(integer) -1"), ("HLEN h", "(integer) 3"), ("TYPE h", "hash"),
                ("HDEL h f1 nofield", "(integer) 1"), ("HSET h f1", "(error) ERR wrong number of arguments for 'hset' command"),
                ("HINCRBY h f2 x", "(error) ERR value is not an integer or out of range"), ("HSET h f2 abc", "(integer) 0"),
                ("HINCRBY h f2 1", "(error) ERR hash value is not an integer"), ("HGET s f", wrongType), ("GET h", wrongType),
                ("HGETALL nokey", "(empty array)"),
                ("SADD st a b c a", "(integer) 3"), ("SCARD st", "(integer) 3"), ("SISMEMBER st a", "(integer) 1"),
                ("SISMEMBER st z", "(integer) 0"), ("SREM st a z", "(integer) 1"), ("TYPE st", "set"), ("SADD s x", wrongType),
                ("SPOP nokey", "(nil)"), ("SPOP nokey 2", "(empty array)"), ("SMEMBERS nokey", "(empty array)"),
            ])
            #expect(KvTesting.members(try KvTesting.cli(guest, ["HGETALL", "h"])) == ["f2", "abc", "f3", "-1"])
            #expect(KvTesting.members(try KvTesting.cli(guest, ["SMEMBERS", "st"])) == ["b", "c"])
            let popped = try KvTesting.cli(guest, ["SPOP", "st"])
            #expect(popped == "\"b\"" || popped == "\"c\"", "\(popped)")
            #expect(KvTesting.members(try KvTesting.cli(guest, ["SPOP", "st", "5"])).count == 1)
            try KvTesting.expect(guest, [("SCARD st", "(integer) 0"), ("EXISTS st", "(integer) 0")])
        }
    }

    @Test("inline commands and pipelined requests answer in order", arguments: KernelTarget.allCases)
    func inlineAndPipelined(_ target: KernelTarget) throws {
        try KvTesting.with(target) { guest in
            let connection = try guest.connect()
            try connection.send(Array("SET inline \"a b\\x21\"\r\nGET inline\r\nPING\r\n\r\nECHO 'it\\'s'\n".utf8))
            #expect(try connection.reply() == .simple("OK"))
            #expect(try connection.reply() == .bulk(Array("a b!".utf8)))
            #expect(try connection.reply() == .simple("PONG"))
            #expect(try connection.reply() == .bulk(Array("it's".utf8)))
            let pipelined = (0..<500).map { _ in RESPConnection.encode(["INCR", "n"]) }
            #expect(try connection.pipeline(pipelined) == (1...500).map { .integer(Int64($0)) })
            try connection.send(Array("ECHO 'unbalanced\r\n".utf8))
            #expect(try connection.readToEnd() == Array("-ERR Protocol error: unbalanced quotes in request\r\n".utf8))
        }
    }

    @Test("writes beyond kv.maxmemory get -OOM; reads, deletes and the service go on", arguments: [KernelTarget.x86_64])
    func memoryLimit(_ target: KernelTarget) throws {
        try KvTesting.with(target, commandLine: "kv.maxmemory=200000") { guest in
            let connection = try guest.connect()
            let value = String(repeating: "x", count: 10_000)
            var refused: RESPValue?
            for index in 0..<100 {
                let reply = try connection.command("SET", "key\(index)", value)
                if reply != .simple("OK") {
                    refused = reply
                    break
                }
            }
            #expect(refused == .error("OOM command not allowed when used memory > 'maxmemory'."), "\(String(describing: refused))")
            #expect(try connection.command("RPUSH", "list", "x") == refused)
            #expect(try connection.command("GET", "key0") == .bulk(Array(value.utf8)))
            #expect(try connection.command("DEL", "key0", "key1", "key2") == .integer(3))
            #expect(try connection.command("SET", "after", "1") == .simple("OK"))
        }
    }
}

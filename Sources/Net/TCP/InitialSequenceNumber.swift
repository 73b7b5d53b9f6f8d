/// RFC 6528 initial sequence numbers: ISN = M + F(4-tuple, secret), with M a 4 microsecond clock
/// and F SipHash-2-4 keyed with the secret.
struct InitialSequenceNumber {
    static func make(local: SocketAddress, remote: SocketAddress, secret: (UInt64, UInt64), now: UInt64) -> SeqNum {
        let ports = UInt64(local.port) << 16 | UInt64(remote.port)
        let words = [UInt64(local.ip.raw) << 32 | UInt64(remote.ip.raw), ports]
        let hash = SipHash24.hash(words, key: secret)
        return SeqNum(UInt32(truncatingIfNeeded: hash) &+ UInt32(truncatingIfNeeded: now / 4000))
    }
}

/// SipHash-2-4 (Aumasson and Bernstein) over whole 64-bit words.
enum SipHash24 {
    static func hash(_ words: [UInt64], key: (UInt64, UInt64)) -> UInt64 {
        var v0: UInt64 = 0x736f6d6570736575 ^ key.0
        var v1: UInt64 = 0x646f72616e646f6d ^ key.1
        var v2: UInt64 = 0x6c7967656e657261 ^ key.0
        var v3: UInt64 = 0x7465646279746573 ^ key.1

        func round() {
            v0 &+= v1; v1 = rotate(v1, 13); v1 ^= v0; v0 = rotate(v0, 32)
            v2 &+= v3; v3 = rotate(v3, 16); v3 ^= v2
            v0 &+= v3; v3 = rotate(v3, 21); v3 ^= v0
            v2 &+= v1; v1 = rotate(v1, 17); v1 ^= v2; v2 = rotate(v2, 32)
        }
        func compress(_ word: UInt64) {
            v3 ^= word
            round(); round()
            v0 ^= word
        }

        for word in words { compress(word) }
        compress(UInt64(truncatingIfNeeded: words.count * 8) << 56)
        v2 ^= 0xFF
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }

    private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 { value << count | value >> (64 - count) }
}

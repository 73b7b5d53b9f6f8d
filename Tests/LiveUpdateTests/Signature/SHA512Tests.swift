import LiveUpdate
import TestSupport
import Testing

/// The bytes written as pairs of hex digits in `hex` (whitespace ignored).
func bytes(fromHex hex: String) -> [UInt8] {
    let digits = hex.utf8.filter { $0 != 0x20 && $0 != 0x0A }.map { digit -> UInt8 in
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x61...0x66: digit - 0x61 + 10
        default: fatalError("not a hex digit in \(hex)")
        }
    }
    precondition(digits.count % 2 == 0, "odd number of hex digits")
    return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
}

/// The signature tests (`swift test --filter Signature`): SHA-512 here, Ed25519 in Ed25519Tests.swift.
@Suite("Signature")
enum SignatureTests {}

extension SignatureTests {
    @Suite("SHA-512")
    struct SHA512Tests {
        /// Example values of FIPS 180-4 (NIST "SHA512.pdf" examples, csrc.nist.gov) and, for one
        /// million "a", FIPS 180-2 appendix C.3.
        static let published: [(message: [UInt8], digest: String)] = [
            ([], "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
            (Array("abc".utf8), "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
            (Array(("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu").utf8),
             "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
                + "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"),
            ([UInt8](repeating: 0x61, count: 1_000_000),
             "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
                + "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"),
        ]

        /// Lengths around the padding's boundaries (the length field starts at byte 112 of the
        /// last block) of the bytes 0, 1, 2, ...; digests computed with Python's hashlib.
        static let paddingBoundaries: [(length: Int, digest: String)] = [
            (111, "a1a111449b198d9b1f538bad7f3fc1022b3a5b1a5e90a0bc860de8512746cbc3"
                + "1599e6c834de3a3235327af0b51ff57bf7acf1974a73014d9c3953812edc7c8d"),
            (112, "c5fbd731d19d2ae1180f001be72c2c1aaba1d7b094b3748880e24593b8e117a7"
                + "50e11c1bd867cc2f96dace8c8b74abd2d5c4f236be444e77d30d1916174070b9"),
            (127, "eab89674feaa34e27aebeeff3c0a4d70070bb872d5e9f186cf1dbbdee517b6e3"
                + "5724d629ff025a5b07185e911ada7e3c8acf830aa0e4f71777bd2d44f504f7f0"),
            (128, "1dffd5e3adb71d45d2245939665521ae001a317a03720a45732ba1900ca3b835"
                + "1fc5c9b4ca513eba6f80bc7b1d1fdad4abd13491cb824d61b08d8c0e1561b3f7"),
            (129, "1d9da57fbbdab09afb3506ab2d223d06109d65c1c8ad197f50138f714bc4c3f2"
                + "fe5787922639c680acad1c651f955990425954ce2cba0c5cc83f2667d878eb0f"),
            (240, "6c48466c9f6c07e4ab762c696b7eeb35cfe236fca73683e5fab873ac3489b4d2"
                + "eb3d7afcce7e8165dbbf37aded3b5b0c889c0b7e0f1790a8330d8677429d91a5"),
        ]

        @Test("FIPS 180-4 example values")
        func publishedValues() {
            for (message, digest) in Self.published {
                #expect(SHA512.hash(message) == bytes(fromHex: digest), "message of \(message.count) bytes")
            }
        }

        @Test("lengths around the padding boundaries")
        func paddingBoundaryLengths() {
            for (length, digest) in Self.paddingBoundaries {
                let message = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
                #expect(SHA512.hash(message) == bytes(fromHex: digest), "length \(length)")
            }
        }

        @Test("hashing in place from an unaligned buffer equals hashing the array")
        func unalignedInPlace() {
            let message = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
            let padded = [0x55] + message
            let expected = SHA512.hash(message)
            padded.withUnsafeBytes { raw in
                #expect(SHA512.hash(UnsafeRawBufferPointer(rebasing: raw[1...])) == expected)
            }
        }

        @Test("streaming in odd chunk sizes equals one call")
        func streaming() {
            var random = SplitMix64(seed: 512)
            let message = random.bytes(5000)
            let expected = SHA512.hash(message)
            for chunkSizes in [[1], [3], [7, 1], [127], [128], [129], [1, 127, 128, 200], [111, 17, 300]] {
                var hash = SHA512()
                var offset = 0, turn = 0
                while offset < message.count {
                    let end = min(message.count, offset + chunkSizes[turn % chunkSizes.count])
                    hash.update(Array(message[offset..<end]))
                    offset = end
                    turn += 1
                }
                #expect(hash.finish() == expected, "chunks \(chunkSizes)")
            }
            var withEmptyUpdates = SHA512()
            withEmptyUpdates.update([])
            withEmptyUpdates.update(message)
            withEmptyUpdates.update([])
            #expect(withEmptyUpdates.finish() == expected)
        }

        /// Throughput on a 250 KB image. Run with
        /// `LIU_BENCH=1 swift test -c release --filter SHA512Tests/throughput`.
        @Test("throughput", .enabled(if: Environment.benchmarkRequested))
        func throughput() {
            let image = [UInt8](repeating: 0xA5, count: 250_000)
            let rounds = 200
            let start = monotonicNanoseconds()
            var check: UInt8 = 0
            for _ in 0..<rounds { check ^= SHA512.hash(image)[0] }
            let elapsed = monotonicNanoseconds() - start
            let megabytesPerSecond = Double(rounds * image.count) / (Double(elapsed) / 1e9) / 1e6
            print("[signature bench] sha512: \(Int(megabytesPerSecond)) MB/s, 250 KB image in \(Double(elapsed) / Double(rounds) / 1e6) ms (\(check))")
        }
}
}

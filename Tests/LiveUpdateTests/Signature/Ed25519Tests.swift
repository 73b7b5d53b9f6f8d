@testable import LiveUpdate
import TestSupport
import Testing

extension SignatureTests {
    @Suite("Ed25519")
    struct Ed25519Tests {
        struct Vector: Sendable, CustomTestStringConvertible {
            let name: String
            let seed: [UInt8], publicKey: [UInt8], message: [UInt8], signature: [UInt8]
            var testDescription: String { name }

            init(_ name: String, seed: String, publicKey: String, message: String, signature: String) {
                self.name = name
                self.seed = bytes(fromHex: seed)
                self.publicKey = bytes(fromHex: publicKey)
                self.message = bytes(fromHex: message)
                self.signature = bytes(fromHex: signature)
            }
        }

        /// The test vectors of RFC 8032 §7.1.
        static let rfc8032: [Vector] = [
            Vector("TEST 1",
                   seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                   publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                   message: "",
                   signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                       + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
            Vector("TEST 2",
                   seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                   publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
                   message: "72",
                   signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                       + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
            Vector("TEST 3",
                   seed: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                   publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
                   message: "af82",
                   signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
                       + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
            Vector("TEST 1024",
                   seed: "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
                   publicKey: "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
                   message: Self.message1024,
                   signature: "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
                       + "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"),
            Vector("TEST SHA(abc)",
                   seed: "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
                   publicKey: "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
                   message: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                       + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
                   signature: "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
                       + "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"),
        ]

        /// The 1023-byte message of TEST 1024.
        static let message1024 = """
                08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98
                fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8
                79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d
                658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc
                1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe
                ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e
                06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef
                efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7
                aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1
                85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2
                d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24
                554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270
                88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc
                2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07
                07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba
                b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a
                ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e
                c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7
                51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c
                42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8
                ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df
                f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08
                d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649
                de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4
                88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3
                2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e
                6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f
                b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5
                0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1
                369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d
                b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c
                0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0
            """

        /// L = 2^252 + 27742317777372353535851937790883648493, little-endian.
        static let order = bytes(fromHex: "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")

        // MARK: RFC 8032 vectors

        @Test("RFC 8032 §7.1: the public key of the seed", arguments: rfc8032)
        func publicKey(of vector: Vector) {
            #expect(Ed25519.publicKey(seed: vector.seed) == vector.publicKey)
        }

        @Test("RFC 8032 §7.1: the signature", arguments: rfc8032)
        func signature(of vector: Vector) {
            if vector.name == "TEST 1024" { #expect(vector.message.count == 1023) }
            #expect(Ed25519.sign(message: vector.message, seed: vector.seed) == vector.signature)
        }

        @Test("RFC 8032 §7.1: verification, in place and from an array", arguments: rfc8032)
        func verification(of vector: Vector) {
            #expect(Ed25519.verify(signature: vector.signature, message: vector.message, publicKey: vector.publicKey) == .valid)
            vector.message.withUnsafeBytes { message in
                #expect(Ed25519.verify(signature: vector.signature, message: message, publicKey: vector.publicKey) == .valid)
            }
        }

        // MARK: Rejections

        static let test2 = rfc8032[1]

        /// TEST 2 with `signature` or `publicKey` replaced.
        func check(signature: [UInt8] = SignatureTests.Ed25519Tests.test2.signature, publicKey: [UInt8] = SignatureTests.Ed25519Tests.test2.publicKey) -> SignatureCheck {
            Ed25519.verify(signature: signature, message: Self.test2.message, publicKey: publicKey)
        }

        @Test("wrong lengths")
        func wrongLengths() {
            for length in [0, 1, 32, 63, 65, 128] {
                let signature = Array((Self.test2.signature + Self.test2.signature).prefix(length))
                #expect(check(signature: signature) == .wrongSignatureLength, "signature of \(length) bytes")
            }
            for length in [0, 1, 31, 33, 64] {
                let key = Array((Self.test2.publicKey + Self.test2.publicKey).prefix(length))
                #expect(check(publicKey: key) == .wrongKeyLength, "key of \(length) bytes")
            }
            #expect(check(signature: [], publicKey: []) == .wrongSignatureLength)
        }

        @Test("S = L, L + 1, S + L and 2^256 - 1 are not below L; L - 1 is, and gives a mismatch")
        func scalarNotBelowOrder() {
            let r = Array(Self.test2.signature[0..<32]), s = Array(Self.test2.signature[32..<64])
            for tooLarge in [Self.order, add(Self.order, [1]), add(s, Self.order), [UInt8](repeating: 0xFF, count: 32)] {
                #expect(check(signature: r + tooLarge) == .scalarNotCanonical)
            }
            #expect(check(signature: r + subtract(Self.order, [1])) == .mismatch)
        }

        /// Encodings that are not the canonical encoding of a curve point, to put in place of R or A.
        static let badPoints: [(encoding: String, why: String)] = [
            ("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "y = p (0 is on the curve)"),
            ("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "y = p, sign bit set"),
            ("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "y = p + 1 (1 is on the curve)"),
            ("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "y = 2^255 - 1"),
            ("0200000000000000000000000000000000000000000000000000000000000000", "y = 2, not on the curve"),
            ("0700000000000000000000000000000000000000000000000000000000000000", "y = 7, not on the curve"),
            ("0100000000000000000000000000000000000000000000000000000000000080", "y = 1, x = 0 with the sign bit"),
            ("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "y = -1, x = 0 with the sign bit"),
        ]

        @Test("R non-canonical or not on the curve")
        func badR() {
            let s = Array(Self.test2.signature[32..<64])
            for (encoding, why) in Self.badPoints {
                #expect(check(signature: bytes(fromHex: encoding) + s) == .pointNotCanonical, "\(why)")
            }
            // Canonical points of small order pass decoding and fail the equation.
            for encoding in ["0100000000000000000000000000000000000000000000000000000000000000",
                             "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"] {
                #expect(check(signature: bytes(fromHex: encoding) + s) == .mismatch)
            }
        }

        @Test("A non-canonical or not on the curve")
        func badKey() {
            for (encoding, why) in Self.badPoints {
                #expect(check(publicKey: bytes(fromHex: encoding)) == .keyNotCanonical, "\(why)")
            }
        }

        @Test("flipped bits in the message, the signature or the key", arguments: [rfc8032[1], rfc8032[3]])
        func flippedBits(in vector: Vector) {
            func verify(_ signature: [UInt8], _ message: [UInt8], _ key: [UInt8]) -> SignatureCheck {
                Ed25519.verify(signature: signature, message: message, publicKey: key)
            }
            for bit in [0, 3, 7, vector.message.count * 8 - 1] {
                #expect(verify(vector.signature, flipped(vector.message, bit), vector.publicKey) == .mismatch, "message bit \(bit)")
            }
            #expect(verify(vector.signature, vector.message + [0], vector.publicKey) == .mismatch)
            for bit in [0, 1, 77, 200, 254, 255, 256, 257, 300, 400, 500, 507] {
                let result = verify(flipped(vector.signature, bit), vector.message, vector.publicKey)
                let allowed: [SignatureCheck] = bit < 256 ? [.mismatch, .pointNotCanonical] : [.mismatch, .scalarNotCanonical]
                #expect(allowed.contains(result), "signature bit \(bit): \(result)")
            }
            // The sign of R's x: -R is a point too. The top bits of S: S >= 2^253 > L.
            #expect(verify(flipped(vector.signature, 255), vector.message, vector.publicKey) == .mismatch)
            for bit in 509..<512 {
                #expect(verify(flipped(vector.signature, bit), vector.message, vector.publicKey) == .scalarNotCanonical)
            }
            for bit in [0, 1, 100, 128, 200, 254] {
                let result = verify(vector.signature, vector.message, flipped(vector.publicKey, bit))
                #expect([SignatureCheck.mismatch, .keyNotCanonical].contains(result), "key bit \(bit): \(result)")
            }
            #expect(verify(vector.signature, vector.message, flipped(vector.publicKey, 255)) == .mismatch)
        }

        @Test("every outcome has its own reason")
        func reasons() {
            let all: [SignatureCheck] = [.valid, .wrongSignatureLength, .wrongKeyLength, .scalarNotCanonical,
                                         .pointNotCanonical, .keyNotCanonical, .mismatch]
            let reasons = all.map { $0.reason.description }
            #expect(Set(reasons).count == all.count)
            #expect(reasons.allSatisfy { $0.count > 10 })
        }

        // MARK: Round trips

        @Test("sign then verify random messages under random seeds")
        func roundTrips() {
            var random = SplitMix64(seed: 25519)
            for _ in 0..<6 {
                let seed = random.bytes(32)
                let message = random.bytes(Int(random.below(400)))
                let publicKey = Ed25519.publicKey(seed: seed)
                let signature = Ed25519.sign(message: message, seed: seed)
                #expect(signature.count == 64)
                #expect(Ed25519.verify(signature: signature, message: message, publicKey: publicKey) == .valid)
                #expect(Ed25519.verify(signature: signature, message: message + [1], publicKey: publicKey) == .mismatch)
                let otherKey = Ed25519.publicKey(seed: random.bytes(32))
                #expect(Ed25519.verify(signature: signature, message: message, publicKey: otherKey) == .mismatch)
            }
        }

        // MARK: Internals

        typealias Field = Ed25519.FieldElement

        func field(_ hex: String) -> Field { bytes(fromHex: hex).withUnsafeBytes { Field(decoding: $0.baseAddress!) } }

        func small(_ value: UInt32) -> Field { Field(value, 0, 0, 0, 0, 0, 0, 0, 0, 0) }

        @Test("the curve constants: d, 2d, sqrt(-1) and the base point")
        func constants() {
            #expect((Field.d * small(121_666) + small(121_665)).isZero)
            #expect(Field.twiceD.isEqual(to: Field.d + Field.d))
            #expect((Field.squareRootOfMinusOne.squared() + .one).isZero)
            let base = Ed25519.ExtendedPoint.base
            let x2 = base.x.squared(), y2 = base.y.squared()
            #expect((y2 - x2 - .one - Field.d * x2 * y2).isZero, "B on the curve")
            #expect(base.t.isEqual(to: base.x * base.y))
            #expect(base.encoded == bytes(fromHex: "5866666666666666666666666666666666666666666666666666666666666666"))
            #expect(!Field.d.isEqual(to: Field.twiceD))
        }

        @Test("field elements reduce to the canonical encoding")
        func canonicalEncoding() {
            let pMinusOne = "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"
            #expect(field(pMinusOne).encoded == bytes(fromHex: pMinusOne))
            #expect(field("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f").isZero)
            #expect(field("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f").encoded
                == bytes(fromHex: "1200000000000000000000000000000000000000000000000000000000000000"))
            #expect((field(pMinusOne) + .one).isZero)
            #expect((Field.zero - .one).encoded == bytes(fromHex: pMinusOne))
            var random = SplitMix64(seed: 19)
            for _ in 0..<8 {
                let a = random.bytes(32).withUnsafeBytes { Field(decoding: $0.baseAddress!) }
                #expect((a * a.inverted).isEqual(to: .one))
                #expect(a.squared().isEqual(to: a * a))
                #expect(((a + a) - a).isEqual(to: a))
            }
        }

        func scalar(_ hex: String) -> Ed25519.Scalar { Ed25519.Scalar(reducing: bytes(fromHex: hex)) }

        @Test("scalars: canonical check, reduction, multiply-add (expected values from Python integers)")
        func scalars() {
            let lMinusOne = subtract(Self.order, [1])
            #expect(Self.order.withUnsafeBytes { Ed25519.Scalar(canonical: $0.baseAddress!) } == nil)
            #expect(lMinusOne.withUnsafeBytes { Ed25519.Scalar(canonical: $0.baseAddress!) }?.encoded == lMinusOne)
            #expect(Ed25519.Scalar(reducing: Self.order + [UInt8](repeating: 0, count: 32)).encoded == [UInt8](repeating: 0, count: 32))
            #expect(Ed25519.Scalar(reducing: [UInt8](repeating: 0xFF, count: 64)).encoded
                == bytes(fromHex: "000f9c44e31106a447938568a71b0ed065bef517d273ecce3d9a307c1b419903"))
            let a = Ed25519.Scalar(reducing: (0..<32).map { UInt8($0) })
            let b = Ed25519.Scalar(reducing: (100..<132).map { UInt8($0) })
            let c = Ed25519.Scalar(reducing: (200..<232).map { UInt8($0) })
            #expect(a.encoded == bytes(fromHex: "132d0ca6e9a1f3ae316c12682d132ffa0f1112131415161718191a1b1c1d1e0f"))
            #expect(Ed25519.Scalar.multiplyAdd(a, b, c).encoded
                == bytes(fromHex: "8e468d83287c7716d83a208ac81402b7694bf4839d84d74963108212e712870f"))
        }

        @Test("[L - 1]B + [1]B is the identity; the constant-time and the public multiplication agree")
        func multiplication() {
            let one = scalar("0100000000000000000000000000000000000000000000000000000000000000")
            let lMinusOne = Ed25519.Scalar(reducing: subtract(Self.order, [1]))
            let base = Ed25519.ExtendedPoint.base
            let identity = bytes(fromHex: "0100000000000000000000000000000000000000000000000000000000000000")
            #expect(Ed25519.publicMultiple(s: lMinusOne, k: one, point: base).encoded == identity)
            #expect(Ed25519.publicMultiple(s: one, k: one, point: base).encoded != identity)
            var random = SplitMix64(seed: 8032)
            for _ in 0..<3 {
                let s = Ed25519.Scalar(reducing: random.bytes(32))
                let zero = Ed25519.Scalar(reducing: [UInt8](repeating: 0, count: 32))
                #expect(Ed25519.constantTimeBaseMultiple(s).encoded == Ed25519.publicMultiple(s: s, k: zero, point: base).encoded)
            }
        }

        // MARK: Benchmark

        /// Verification and signing times. Run with
        /// `LIU_BENCH=1 swift test -c release --filter Ed25519Tests/timings`.
        @Test("timings", .enabled(if: Environment.benchmarkRequested))
        func timings() {
            let vector = Self.rfc8032[3]
            let rounds = 500
            var start = monotonicNanoseconds()
            var valid = 0
            for _ in 0..<rounds where Ed25519.verify(signature: vector.signature, message: vector.message, publicKey: vector.publicKey) == .valid {
                valid += 1
            }
            let verifyNanoseconds = (monotonicNanoseconds() - start) / UInt64(rounds)
            start = monotonicNanoseconds()
            var signatures = 0
            for _ in 0..<rounds { signatures += Ed25519.sign(message: vector.message, seed: vector.seed).count }
            let signNanoseconds = (monotonicNanoseconds() - start) / UInt64(rounds)
            #expect(valid == rounds && signatures == 64 * rounds)
            print("[signature bench] ed25519 verify (1023-byte message): \(verifyNanoseconds / 1000) µs, sign: \(signNanoseconds / 1000) µs")
        }
}
}

/// `bytes` with bit `bit` (little-endian bit order) inverted.
private func flipped(_ bytes: [UInt8], _ bit: Int) -> [UInt8] {
    var copy = bytes
    copy[bit / 8] ^= 1 << (bit % 8)
    return copy
}

/// a + b as little-endian integers, in a.count bytes.
private func add(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
    var carry = 0
    return a.indices.map { index in
        let sum = Int(a[index]) + Int(index < b.count ? b[index] : 0) + carry
        carry = sum >> 8
        return UInt8(sum & 0xFF)
    }
}

/// a - b as little-endian integers, a >= b.
private func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
    var borrow = 0
    return a.indices.map { index in
        let difference = Int(a[index]) - Int(index < b.count ? b[index] : 0) - borrow
        borrow = difference < 0 ? 1 : 0
        return UInt8((difference + 256) & 0xFF)
    }
}

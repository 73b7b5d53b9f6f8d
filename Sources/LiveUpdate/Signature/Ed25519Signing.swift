#if !hasFeature(Embedded)
// Signing (RFC 8032 §5.1.5, §5.1.6), on the host only: kernels verify and never sign.

extension Ed25519 {
    /// Bytes in a seed, what RFC 8032 calls the private key.
    public static let seedLength = 32

    /// The 32-byte public key A of the 32-byte `seed` (RFC 8032's private key), computed in
    /// time independent of the seed.
    public static func publicKey(seed: [UInt8]) -> [UInt8] {
        constantTimeBaseMultiple(expand(seed).scalar).encoded
    }

    /// The 64-byte signature R ‖ S of `message` under the 32-byte `seed`, computed in time
    /// independent of the seed (it depends on the message's length only).
    public static func sign(message: [UInt8], seed: [UInt8]) -> [UInt8] {
        let (scalar, prefix) = expand(seed)
        let publicKey = constantTimeBaseMultiple(scalar).encoded
        var nonceHash = SHA512()
        nonceHash.update(prefix)
        nonceHash.update(message)
        let r = Scalar(reducing: nonceHash.finish())
        let encodedR = constantTimeBaseMultiple(r).encoded
        let k = encodedR.withUnsafeBytes { encodedR in
            publicKey.withUnsafeBytes { publicKey in
                message.withUnsafeBytes { challenge(encodedR, publicKey, $0) }
            }
        }
        return encodedR + Scalar.multiplyAdd(k, scalar, r).encoded
    }

    /// The secret scalar s (the first half of SHA-512(seed) with bits 0-2 and 255 cleared and
    /// bit 254 set, here reduced mod L, which leaves [s]B unchanged) and the second half, the
    /// prefix hashed into each nonce.
    private static func expand(_ seed: [UInt8]) -> (scalar: Scalar, prefix: [UInt8]) {
        precondition(seed.count == seedLength, "an Ed25519 seed is 32 bytes")
        var digest = SHA512.hash(seed)
        digest[0] &= 0b1111_1000
        digest[31] &= 0b0111_1111
        digest[31] |= 0b0100_0000
        return (Scalar(reducing: Array(digest[0..<32])), Array(digest[32..<64]))
    }
}
#endif

/// Ed25519 signatures (RFC 8032 §5.1). Verification runs everywhere, the kernel included;
/// signing (`publicKey(seed:)`, `sign(message:seed:)`) is built on the host only.
public enum Ed25519 {
    /// Bytes in a signature: R (a point) then S (a scalar), 32 each.
    public static let signatureLength = 64
    /// Bytes in a public key, the encoding of the point A.
    public static let publicKeyLength = 32

    /// Checks `signature` (R ‖ S) of `message`, read in place, under `publicKey` (A), strictly:
    /// lengths first, then S < L, then canonical on-curve encodings of A and of R, then the
    /// cofactorless equation [S]B = R + [k]A with k = SHA-512(R ‖ A ‖ message) mod L
    /// (RFC 8032 §5.1.7). Returns the first failure.
    public static func verify(signature: [UInt8], message: UnsafeRawBufferPointer, publicKey: [UInt8]) -> SignatureCheck {
        guard signature.count == signatureLength else { return .wrongSignatureLength }
        guard publicKey.count == publicKeyLength else { return .wrongKeyLength }
        return signature.withUnsafeBytes { signature in
            publicKey.withUnsafeBytes { publicKey in
                check(signature, message, publicKey)
            }
        }
    }

    /// Checks `signature` of `message` under `publicKey`, as the overload reading the message in place.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> SignatureCheck {
        message.withUnsafeBytes { verify(signature: signature, message: $0, publicKey: publicKey) }
    }

    private static func check(
        _ signature: UnsafeRawBufferPointer, _ message: UnsafeRawBufferPointer, _ publicKey: UnsafeRawBufferPointer
    ) -> SignatureCheck {
        let encodedR = UnsafeRawBufferPointer(rebasing: signature[0..<32])
        guard let s = Scalar(canonical: signature.baseAddress! + 32) else { return .scalarNotCanonical }
        guard let a = ExtendedPoint(decoding: publicKey.baseAddress!) else { return .keyNotCanonical }
        guard ExtendedPoint(decoding: encodedR.baseAddress!) != nil else { return .pointNotCanonical }
        let k = challenge(encodedR, publicKey, message)
        // [S]B - [k]A equals R exactly when their encodings do, R's being canonical.
        let encodedDifference = publicMultiple(s: s, k: k, point: a.negated).encoded
        return encodedDifference.elementsEqual(encodedR) ? .valid : .mismatch
    }

    /// k = SHA-512(R ‖ A ‖ message) mod L.
    static func challenge(
        _ encodedR: UnsafeRawBufferPointer, _ publicKey: UnsafeRawBufferPointer, _ message: UnsafeRawBufferPointer
    ) -> Scalar {
        var hash = SHA512()
        hash.update(encodedR)
        hash.update(publicKey)
        hash.update(message)
        return Scalar(reducing: hash.finish())
    }
}

/// The outcome of `Ed25519.verify`: valid, or the first reason the signature was refused.
public enum SignatureCheck: Equatable, Sendable {
    /// The signature is valid.
    case valid
    /// The signature is not 64 bytes long.
    case wrongSignatureLength
    /// The public key is not 32 bytes long.
    case wrongKeyLength
    /// The signature's S is L or more.
    case scalarNotCanonical
    /// The signature's R has y >= p, is not on the curve, or has x = 0 with the sign bit set.
    case pointNotCanonical
    /// The public key A has y >= p, is not on the curve, or has x = 0 with the sign bit set.
    case keyNotCanonical
    /// The encodings are fine, but [S]B ≠ R + [k]A.
    case mismatch

    /// The outcome in words, for a log line.
    public var reason: StaticString {
        switch self {
        case .valid: "the signature is valid"
        case .wrongSignatureLength: "the signature is not 64 bytes long"
        case .wrongKeyLength: "the public key is not 32 bytes long"
        case .scalarNotCanonical: "the signature's S is not below the group order"
        case .pointNotCanonical: "the signature's R is not the canonical encoding of a curve point"
        case .keyNotCanonical: "the public key is not the canonical encoding of a curve point"
        case .mismatch: "the signature does not match the message and the public key"
        }
    }
}

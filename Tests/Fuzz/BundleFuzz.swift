import LiveUpdate

/// libFuzzer entry point over `UpdateBundle.init(parsing:)` and, when the bytes parse,
/// `verify`, `checkImageTrust` and every accessor; and over `ImageTrust(notes:)`, the trust
/// note reader, on the same bytes. Built and run by `run-fuzz.sh bundle`. Input layout:
///   byte 0, bit 0: the rest of the input is the whole bundle;
///   byte 0, bit 1: `verify` is for aarch64 rather than the sample's x86_64;
///   byte 0, bits 2...7: the running security version given to `verify` (the sample's is 5);
///   otherwise: byte 1 trims that many bytes (mod 64) off a valid sample bundle, and each
///   following 3 bytes {offset low, offset high, value} overwrite one byte of it.
/// Nothing may crash, and only the sample itself may be accepted: no one else holds its key.
@_cdecl("LLVMFuzzerTestOneInput")
public func bundleFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let bytes = input[0] & 1 != 0 ? Array(input[1...]) : editedSample(input)
    let architecture: UInt16 = input[0] & 2 != 0 ? 183 : sampleArchitecture
    let running = UInt64(input[0] >> 2)
    bytes.withUnsafeBytes { buffer in
        _ = try? ImageTrust(notes: buffer)
        guard let bundle = try? UpdateBundle(parsing: buffer) else { return }
        _ = bundle.checkImageTrust(architecture: .x86_64)?.reason
        var touched = bundle.label.utf8.count + bundle.trustedKeys.count + Int(bundle.architecture)
        touched &+= bundle.image.reduce(0) { $0 &+ Int($1) } &+ bundle.signedBytes.count &+ bundle.signature.count
        precondition(bundle.imageDigest.count == 64 && bundle.signingKeyID.count == 8 && touched != -1)
        let verdict = bundle.verify(trustedKeys: [otherKey, signingKey], architecture: architecture, runningSecurityVersion: running)
        _ = verdict.reason
        if verdict == .accepted, bytes != sample {
            fatalError("a bundle other than the signed sample was accepted")
        }
    }
    return 0
}

private let signingSeed = [UInt8](repeating: 0x11, count: 32)
private let signingKey = Ed25519.publicKey(seed: signingSeed)
private let otherKey = Ed25519.publicKey(seed: [UInt8](repeating: 0x22, count: 32))
private let sampleArchitecture: UInt16 = 62
private let sample = UpdateBundle.make(
    image: (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37) }, architecture: sampleArchitecture,
    securityVersion: 5, label: "fuzz", signingSeed: signingSeed, trustedKeys: [otherKey, signingKey])

private func editedSample(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] { edited(sample, by: input) }

import LiveUpdate
import TestSupport
import Testing

/// The signed update bundle (docs/update-bundle.md): `swift test --filter UpdateBundleTests`.
@Suite("Update bundle")
struct UpdateBundleTests {
    static let signingSeed = [UInt8](repeating: 0x11, count: 32)
    static let otherSeed = [UInt8](repeating: 0x22, count: 32)
    static let signingKey = Ed25519.publicKey(seed: signingSeed)
    static let otherKey = Ed25519.publicKey(seed: otherSeed)
    static let x86_64: UInt16 = 62, aarch64: UInt16 = 183, i686: UInt16 = 3
    /// A small image, so that every bit of it can be flipped quickly.
    static let image: [UInt8] = {
        var random = SplitMix64(seed: 14)
        return random.bytes(200)
    }()
    /// The keys the new image trusts.
    static let newKeys = [otherKey, signingKey]
    static let bundle = make()

    static func make(image: [UInt8] = image, architecture: UInt16 = x86_64, securityVersion: UInt64 = 5,
                     label: String = "echo-2", seed: [UInt8] = signingSeed, trustedKeys: [[UInt8]] = newKeys) -> [UInt8] {
        UpdateBundle.make(image: image, architecture: architecture, securityVersion: securityVersion,
                          label: label, signingSeed: seed, trustedKeys: trustedKeys)
    }

    /// The error parsing `bytes` throws, nil when they parse.
    static func parseError(_ bytes: [UInt8]) -> BundleError? {
        bytes.withUnsafeBytes { buffer in
            do throws(BundleError) {
                _ = try UpdateBundle(parsing: buffer)
                return nil
            } catch {
                return error
            }
        }
    }

    /// The verdict on `bytes`, which must parse.
    static func verdict(_ bytes: [UInt8], trustedKeys: [[UInt8]] = [signingKey], architecture: UInt16 = x86_64,
                        running: UInt64 = 5) throws -> BundleVerdict {
        try bytes.withUnsafeBytes { buffer in
            try UpdateBundle(parsing: buffer).verify(trustedKeys: trustedKeys, architecture: architecture,
                                                     runningSecurityVersion: running)
        }
    }

    /// `bytes` with the little-endian `value` stored at `offset`.
    static func storing<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self) }
        return bytes
    }

    // MARK: Round trip

    @Test func roundTrip() throws {
        let bundle = Self.bundle
        #expect(bundle.count == 8 + 112 + 2 * 32 + 200 + 64)
        try bundle.withUnsafeBytes { buffer in
            let parsed = try UpdateBundle(parsing: buffer)
            #expect(parsed.architecture == Self.x86_64)
            #expect(parsed.imageLength == 200)
            #expect(parsed.imageDigest == SHA512.hash(Self.image))
            #expect(parsed.securityVersion == 5)
            #expect(parsed.label == "echo-2")
            #expect(parsed.signingKeyID == Ed25519.keyID(publicKey: Self.signingKey))
            #expect(parsed.trustedKeys == Self.newKeys)
            // Read in place: the image and the signed bytes point into the buffer.
            #expect(parsed.signedBytes.baseAddress == buffer.baseAddress)
            #expect(parsed.signedBytes.count == 8 + 112 + 64)
            #expect(parsed.image.baseAddress == buffer.baseAddress! + 184)
            #expect(Array(parsed.image) == Self.image)
            #expect(parsed.signature == Array(bundle[(184 + 200)...]))
            #expect(Ed25519.verify(signature: parsed.signature, message: parsed.signedBytes, publicKey: Self.signingKey) == .valid)
            #expect(parsed.verify(trustedKeys: [Self.signingKey], architecture: Self.x86_64, runningSecurityVersion: 5) == .accepted)
        }
    }

    @Test func headerBytes() {
        let bundle = Self.bundle
        #expect(Array(bundle[0..<8]) == [0x4C, 0x49, 0x55, 0x42, 1, 0, 176, 0])
        #expect(Array(bundle[8..<12]) == [62, 0, 0, 0])
        #expect(Array(bundle[92..<108]) == Array("echo-2".utf8) + [UInt8](repeating: 0, count: 10))
    }

    @Test func emptyImageNoKeysAndFullLabel() throws {
        let bundle = Self.make(image: [], architecture: Self.aarch64, securityVersion: 0, label: "0123456789abcdef", trustedKeys: [])
        #expect(bundle.count == 8 + 112 + 64)
        try bundle.withUnsafeBytes { buffer in
            let parsed = try UpdateBundle(parsing: buffer)
            #expect(parsed.label == "0123456789abcdef")
            #expect(parsed.trustedKeys.isEmpty)
            #expect(parsed.image.count == 0)
            #expect(parsed.verify(trustedKeys: [Self.signingKey], architecture: Self.aarch64, runningSecurityVersion: 0) == .accepted)
        }
    }

    @Test func eightTrustedKeysReadBack() throws {
        let keys = (1...8).map { Ed25519.publicKey(seed: [UInt8](repeating: UInt8($0), count: 32)) }
        let bundle = Self.make(trustedKeys: keys)
        let readBack = try bundle.withUnsafeBytes { buffer throws(BundleError) in try UpdateBundle(parsing: buffer).trustedKeys }
        #expect(readBack == keys)
        #expect(try Self.verdict(bundle) == .accepted)
    }

    @Test func signerAmongSeveralTrustedKeys() throws {
        #expect(try Self.verdict(Self.bundle, trustedKeys: [Self.otherKey, Self.signingKey]) == .accepted)
        #expect(try Self.verdict(Self.bundle, trustedKeys: []) == .refused(.untrustedKey(keyID: Ed25519.keyID(publicKey: Self.signingKey))))
    }

    @Test func keyIDIsTheFirstEightBytesOfTheKeysSHA512() {
        #expect(Ed25519.keyID(publicKey: Self.signingKey) == Array(SHA512.hash(Self.signingKey)[0..<8]))
        #expect(Ed25519.hex([0x3F, 0x2A, 0x00, 0xFF]) == "3f2a00ff")
    }

    // MARK: Parse errors

    @Test func parseErrors() {
        let bundle = Self.bundle
        #expect(Self.parseError([]) == .noMagic)
        #expect(Self.parseError(Array("LIU".utf8)) == .noMagic)
        #expect(Self.parseError(Self.storing(UInt8(0x41), at: 3, in: bundle)) == .noMagic)
        #expect(Self.parseError(Array(bundle[0..<6])) == .truncatedHeader(length: 6))
        #expect(Self.parseError(Self.storing(UInt16(2), at: 4, in: bundle)) == .unsupportedVersion(2))
        #expect(Self.parseError(Self.storing(UInt16(111), at: 6, in: bundle)) == .manifestTooShort(111))
        #expect(Self.parseError(Array(bundle[0..<100])) == .truncatedManifest(length: 100, manifestEnd: 184))
        #expect(Self.parseError(Array(bundle[0..<150])) == .truncatedManifest(length: 150, manifestEnd: 184))
        #expect(Self.parseError(Self.storing(UInt16(9), at: 116, in: bundle)) == .tooManyTrustedKeys(9))
        #expect(Self.parseError(Self.storing(UInt16(1), at: 116, in: bundle)) == .manifestLengthMismatch(header: 176, fields: 144))
        #expect(Self.parseError(Self.storing(UInt16(1), at: 10, in: bundle)) == .reservedNotZero(offset: 10))
        #expect(Self.parseError(Self.storing(UInt16(0x100), at: 118, in: bundle)) == .reservedNotZero(offset: 118))
        #expect(Self.parseError(Self.storing(UInt8(0x7F), at: 92, in: bundle)) == .labelNotPrintable(index: 0))
        #expect(Self.parseError(Self.storing(UInt8(0x0A), at: 93, in: bundle)) == .labelNotPrintable(index: 1))
        #expect(Self.parseError(Self.storing(UInt8(0x41), at: 107, in: bundle)) == .labelNotPrintable(index: 15))
        #expect(Self.parseError(Self.storing(UInt64.max - 100, at: 12, in: bundle)) == .imageTooLong(UInt64.max - 100))
        #expect(Self.parseError(Array(bundle.dropLast())) == .truncated(length: bundle.count - 1, expected: UInt64(bundle.count)))
        #expect(Self.parseError(Array(bundle[0..<184])) == .truncated(length: 184, expected: UInt64(bundle.count)))
        #expect(Self.parseError(bundle + [0]) == .trailingBytes(length: bundle.count + 1, expected: UInt64(bundle.count)))
        #expect(Self.parseError(Self.storing(UInt64(201), at: 12, in: bundle)) == .truncated(length: bundle.count, expected: UInt64(bundle.count + 1)))
    }

    @Test func parseErrorReasons() {
        #expect(BundleError.noMagic.reason == "not a signed bundle (no LIUB magic)")
        #expect(BundleError.truncatedHeader(length: 6).reason == "truncated: 6 bytes, a bundle header takes 8")
        #expect(BundleError.unsupportedVersion(2).reason == "bundle format version 2, this kernel reads 1")
        #expect(BundleError.manifestTooShort(40).reason == "manifest length 40, a manifest takes at least 112 bytes")
        #expect(BundleError.truncatedManifest(length: 100, manifestEnd: 184).reason == "truncated: 100 bytes, the header says the manifest ends at 184")
        #expect(BundleError.tooManyTrustedKeys(9).reason == "9 trusted keys, a bundle holds at most 8")
        #expect(BundleError.manifestLengthMismatch(header: 176, fields: 144).reason == "the header says the manifest takes 176 bytes, its fields take 144")
        #expect(BundleError.reservedNotZero(offset: 10).reason == "the reserved field at offset 10 is not zero")
        #expect(BundleError.labelNotPrintable(index: 1).reason == "the image label is not printable ASCII padded with NUL (byte 1)")
        #expect(BundleError.imageTooLong(UInt64.max).reason == "an image of 18446744073709551615 bytes cannot be in memory")
        #expect(BundleError.truncated(length: 300, expected: 448).reason == "truncated: 300 bytes, the manifest says 448")
        #expect(BundleError.trailingBytes(length: 449, expected: 448).reason == "449 bytes, the manifest says 448: 1 bytes too many")
    }

    // MARK: Refusals, in order

    @Test func untrustedKeyIsReportedFirst() throws {
        var bundle = Self.make(architecture: Self.aarch64, securityVersion: 1)
        bundle[200] ^= 1  // the image no longer matches its digest
        let verdict = try Self.verdict(bundle, trustedKeys: [Self.otherKey], architecture: Self.x86_64, running: 5)
        let id = Ed25519.keyID(publicKey: Self.signingKey)
        #expect(verdict == .refused(.untrustedKey(keyID: id)))
        #expect(verdict.reason == "signed by an untrusted key \(Ed25519.hex(id))")
        #expect(verdict.reason.utf8.count == "signed by an untrusted key ".utf8.count + 16)
    }

    @Test func badSignatureBeforeDigestArchitectureAndVersion() throws {
        var bundle = Self.make(architecture: Self.aarch64, securityVersion: 1)
        bundle[20] ^= 1  // a signed byte: the digest, which now does not match either
        let verdict = try Self.verdict(bundle, architecture: Self.x86_64, running: 5)
        #expect(verdict == .refused(.badSignature(.mismatch)))
        #expect(verdict.reason == "the signature does not verify: the signature does not match the message and the public key")
        var badS = Self.bundle
        badS[badS.count - 1] = 0xFF  // S far above the group order
        #expect(try Self.verdict(badS) == .refused(.badSignature(.scalarNotCanonical)))
    }

    @Test func digestBeforeArchitectureAndVersion() throws {
        var bundle = Self.make(architecture: Self.aarch64, securityVersion: 1)
        bundle[184] ^= 0x80
        let verdict = try Self.verdict(bundle, architecture: Self.x86_64, running: 5)
        #expect(verdict == .refused(.digestMismatch))
        #expect(verdict.reason == "the image does not match its digest")
    }

    @Test func architectureBeforeVersion() throws {
        let bundle = Self.make(architecture: Self.aarch64, securityVersion: 1)
        let verdict = try Self.verdict(bundle, architecture: Self.x86_64, running: 5)
        #expect(verdict == .refused(.wrongArchitecture(bundle: Self.aarch64, running: Self.x86_64)))
        #expect(verdict.reason == "an image for aarch64, this kernel runs x86_64")
        #expect(BundleRefusal.wrongArchitecture(bundle: 40, running: Self.i686).reason == "an image for machine 40, this kernel runs i686")
    }

    @Test func downgradeRefusedEqualAndNewerAccepted() throws {
        let bundle = Self.make(securityVersion: 4)
        let verdict = try Self.verdict(bundle, running: 5)
        #expect(verdict == .refused(.olderSecurityVersion(bundle: 4, running: 5)))
        #expect(verdict.reason == "security version 4 is older than the running 5")
        #expect(try Self.verdict(bundle, running: 4) == .accepted)
        #expect(try Self.verdict(bundle, running: 0) == .accepted)
        #expect(try Self.verdict(Self.make(securityVersion: .max), running: .max) == .accepted)
    }

    // MARK: Every single-bit flip is refused

    enum Region: String, CaseIterable, Sendable {
        case headerAndManifest, image, signature

        var range: Range<Int> {
            let signed = 8 + 112 + 2 * 32
            return switch self {
            case .headerAndManifest: 0..<signed
            case .image: signed..<(signed + 200)
            case .signature: (signed + 200)..<(signed + 264)
            }
        }
    }

    /// Each region's bytes in two halves, so that the cases run in parallel.
    static let flipRanges: [Range<Int>] = Region.allCases.flatMap { region -> [Range<Int>] in
        let range = region.range, middle = (range.lowerBound + range.upperBound) / 2
        return [range.lowerBound..<middle, middle..<range.upperBound]
    }

    @Test(arguments: flipRanges)
    func everySingleBitFlipIsRefused(_ bytes: Range<Int>) throws {
        for index in bytes {
            for bit in 0..<8 {
                var flipped = Self.bundle
                flipped[index] ^= 1 << bit
                guard Self.parseError(flipped) == nil else { continue }
                let verdict = try Self.verdict(flipped, trustedKeys: [Self.signingKey], architecture: Self.x86_64, running: 5)
                #expect(verdict != .accepted, "bit \(bit) of byte \(index) flipped, accepted")
            }
        }
    }
}

/// A signed update bundle (docs/update-bundle.md): header, manifest, kernel image, and an
/// Ed25519 signature over header + manifest, read in place from the caller's memory.
///
/// `init(parsing:)` checks only the form; `verify` decides whether to install it. The image
/// and the signed bytes point into the parsed buffer, which must outlive this value.
public struct UpdateBundle {
    /// ELF e_machine of the image: 3 i686, 62 x86_64, 183 aarch64.
    public let architecture: UInt16
    public let imageLength: UInt64
    /// SHA-512 of the image, 64 bytes, as the manifest states it.
    public let imageDigest: [UInt8]
    /// Monotonic: a kernel refuses a bundle below its own security version.
    public let securityVersion: UInt64
    /// Printable ASCII, at most 16 bytes (the NUL padding removed).
    public let label: String
    /// `Ed25519.keyID` of the key that signed the bundle, 8 bytes.
    public let signingKeyID: [UInt8]
    /// The 32-byte Ed25519 public keys the new image will trust, at most 8.
    public let trustedKeys: [[UInt8]]
    /// The kernel image, in the parsed buffer.
    public let image: UnsafeRawBufferPointer
    /// Header and manifest: the bytes the signature covers, in the parsed buffer.
    public let signedBytes: UnsafeRawBufferPointer
    /// The Ed25519 signature (R ‖ S), 64 bytes.
    public let signature: [UInt8]

    /// Reads the bundle in `bytes` without copying the image; throws the first malformation.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(BundleError) {
        typealias L = BundleLayout
        guard let base = bytes.baseAddress, bytes.count >= 4,
              base.loadLE(at: L.magicOffset, as: UInt32.self) == L.magic else { throw .noMagic }
        guard bytes.count >= L.headerSize else { throw .truncatedHeader(length: bytes.count) }
        let version = base.loadLE(at: L.versionOffset, as: UInt16.self)
        guard version == L.version else { throw .unsupportedVersion(version) }
        let manifestLength = base.loadLE(at: L.manifestLengthOffset, as: UInt16.self)
        guard Int(manifestLength) >= L.fixedManifestLength else { throw .manifestTooShort(manifestLength) }
        let manifestEnd = L.headerSize + Int(manifestLength)
        guard bytes.count >= L.trustedKeysOffset else {
            throw .truncatedManifest(length: bytes.count, manifestEnd: manifestEnd)
        }
        let keyCount = base.loadLE(at: L.trustedKeyCountOffset, as: UInt16.self)
        guard keyCount <= L.maximumTrustedKeys else { throw .tooManyTrustedKeys(keyCount) }
        let fieldsLength = L.manifestLength(trustedKeyCount: Int(keyCount))
        guard Int(manifestLength) == fieldsLength else {
            throw .manifestLengthMismatch(header: manifestLength, fields: fieldsLength)
        }
        guard bytes.count >= manifestEnd else {
            throw .truncatedManifest(length: bytes.count, manifestEnd: manifestEnd)
        }
        for offset in [L.reserved1Offset, L.reserved2Offset] where base.loadLE(at: offset, as: UInt16.self) != 0 {
            throw .reservedNotZero(offset: offset)
        }
        let label = try Self.label(at: base + L.labelOffset)

        let imageLength = base.loadLE(at: L.imageLengthOffset, as: UInt64.self)
        let (withImage, overflow) = UInt64(manifestEnd).addingReportingOverflow(imageLength)
        let expected = withImage &+ UInt64(Ed25519.signatureLength)
        guard !overflow, expected >= withImage, expected <= UInt64(Int.max) else { throw .imageTooLong(imageLength) }
        guard UInt64(bytes.count) >= expected else { throw .truncated(length: bytes.count, expected: expected) }
        guard UInt64(bytes.count) == expected else { throw .trailingBytes(length: bytes.count, expected: expected) }

        architecture = base.loadLE(at: L.architectureOffset, as: UInt16.self)
        self.imageLength = imageLength
        imageDigest = Array(bytes[L.imageDigestOffset..<(L.imageDigestOffset + L.digestLength)])
        securityVersion = base.loadLE(at: L.securityVersionOffset, as: UInt64.self)
        self.label = label
        signingKeyID = Array(bytes[L.keyIDOffset..<(L.keyIDOffset + Ed25519.keyIDLength)])
        var keys: [[UInt8]] = []
        keys.reserveCapacity(Int(keyCount))
        for index in 0..<Int(keyCount) {
            let start = L.trustedKeysOffset + L.keyLength * index
            keys.append(Array(bytes[start..<(start + L.keyLength)]))
        }
        trustedKeys = keys
        let imageEnd = manifestEnd + Int(imageLength)
        signedBytes = UnsafeRawBufferPointer(rebasing: bytes[0..<manifestEnd])
        image = UnsafeRawBufferPointer(rebasing: bytes[manifestEnd..<imageEnd])
        signature = Array(bytes[imageEnd..<bytes.count])
    }

    /// The 16-byte label field: printable ASCII (0x20...0x7E), then only NULs.
    private static func label(at field: UnsafeRawPointer) throws(BundleError) -> String {
        var length = BundleLayout.labelLength
        for index in 0..<BundleLayout.labelLength {
            let byte = field.load(fromByteOffset: index, as: UInt8.self)
            if length == BundleLayout.labelLength {
                if byte == 0 { length = index } else if byte < 0x20 || byte > 0x7E { throw .labelNotPrintable(index: index) }
            } else if byte != 0 {
                throw .labelNotPrintable(index: index)
            }
        }
        return String(decoding: UnsafeRawBufferPointer(start: field, count: length), as: UTF8.self)
    }

    /// Whether the running kernel installs this bundle. Checks, in order, and refuses at the
    /// first failure: the signing key id is the id of one of `trustedKeys` (the running image's
    /// keys); the signature verifies under that key; the image matches its digest; the image is
    /// for `architecture` (ELF e_machine); its security version is at least `runningSecurityVersion`.
    public func verify(trustedKeys: [[UInt8]], architecture: UInt16, runningSecurityVersion: UInt64) -> BundleVerdict {
        var firstFailure: SignatureCheck? = nil
        var verified = false
        // Key ids are not unique in principle: any trusted key with the id may have signed.
        for key in trustedKeys where !verified && Ed25519.keyID(publicKey: key) == signingKeyID {
            let check = Ed25519.verify(signature: signature, message: signedBytes, publicKey: key)
            if check == .valid { verified = true } else if firstFailure == nil { firstFailure = check }
        }
        if !verified {
            guard let failure = firstFailure else { return .refused(.untrustedKey(keyID: signingKeyID)) }
            return .refused(.badSignature(failure))
        }
        guard SHA512.hash(image) == imageDigest else { return .refused(.digestMismatch) }
        guard self.architecture == architecture else {
            return .refused(.wrongArchitecture(bundle: self.architecture, running: architecture))
        }
        guard securityVersion >= runningSecurityVersion else {
            return .refused(.olderSecurityVersion(bundle: securityVersion, running: runningSecurityVersion))
        }
        return .accepted
    }

    /// Whether the image's own trust note (what it will trust once it runs) is what the manifest
    /// states, so that the security version checked is the one the image will run at. For an
    /// image that passed ELF validation for `architecture`; nil when they agree.
    public func checkImageTrust(architecture: ImageArchitecture) -> BundleRefusal? {
        let stated = ImageTrust(securityVersion: securityVersion, keys: trustedKeys)
        do throws(TrustNoteError) {
            let own = try ImageTrust(image: image, architecture: architecture)
            return own == stated ? nil : .trustDiffers(image: own, manifest: stated)
        } catch {
            return .trustUnreadable(error)
        }
    }

    #if !hasFeature(Embedded)
    /// A bundle of `image` signed with the Ed25519 key of `signingSeed` (32 bytes). `label` is
    /// at most 16 bytes of printable ASCII; `trustedKeys`, at most 8 keys of 32 bytes, are the
    /// keys the new image will trust. Traps on arguments outside these limits.
    public static func make(
        image: [UInt8], architecture: UInt16, securityVersion: UInt64, label: String,
        signingSeed: [UInt8], trustedKeys: [[UInt8]]
    ) -> [UInt8] {
        typealias L = BundleLayout
        let labelBytes = Array(label.utf8)
        precondition(labelBytes.count <= L.labelLength && labelBytes.allSatisfy { $0 >= 0x20 && $0 <= 0x7E },
                     "a bundle label is at most 16 bytes of printable ASCII")
        precondition(trustedKeys.count <= L.maximumTrustedKeys && trustedKeys.allSatisfy { $0.count == L.keyLength },
                     "a bundle holds at most 8 trusted keys of 32 bytes")
        let manifestLength = L.manifestLength(trustedKeyCount: trustedKeys.count)
        var signed = [UInt8](repeating: 0, count: L.headerSize + manifestLength)
        signed.withUnsafeMutableBytes { bytes in
            let base = bytes.baseAddress!
            base.storeLE(L.magic, at: L.magicOffset)
            base.storeLE(L.version, at: L.versionOffset)
            base.storeLE(UInt16(manifestLength), at: L.manifestLengthOffset)
            base.storeLE(architecture, at: L.architectureOffset)
            base.storeLE(UInt64(image.count), at: L.imageLengthOffset)
            base.storeLE(securityVersion, at: L.securityVersionOffset)
            base.storeLE(UInt16(trustedKeys.count), at: L.trustedKeyCountOffset)
        }
        signed.replaceSubrange(L.imageDigestOffset..<(L.imageDigestOffset + L.digestLength), with: SHA512.hash(image))
        signed.replaceSubrange(L.labelOffset..<(L.labelOffset + labelBytes.count), with: labelBytes)
        let keyID = Ed25519.keyID(publicKey: Ed25519.publicKey(seed: signingSeed))
        signed.replaceSubrange(L.keyIDOffset..<(L.keyIDOffset + Ed25519.keyIDLength), with: keyID)
        for (index, key) in trustedKeys.enumerated() {
            let start = L.trustedKeysOffset + L.keyLength * index
            signed.replaceSubrange(start..<(start + L.keyLength), with: key)
        }
        return signed + image + Ed25519.sign(message: signed, seed: signingSeed)
    }
    #endif
}

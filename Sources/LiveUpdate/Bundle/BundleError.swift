/// Why bytes are not a well-formed signed update bundle (`UpdateBundle.init(parsing:)`).
public enum BundleError: Error, Equatable, Sendable {
    /// Fewer than 4 bytes, or they are not `LIUB`.
    case noMagic
    /// The magic is there but not the rest of the 8-byte header.
    case truncatedHeader(length: Int)
    case unsupportedVersion(UInt16)
    /// The manifest length is below the 112 bytes of its fixed fields.
    case manifestTooShort(UInt16)
    /// The bundle ends before the end of the manifest the header announces.
    case truncatedManifest(length: Int, manifestEnd: Int)
    case tooManyTrustedKeys(UInt16)
    /// The header's manifest length differs from what the manifest's fields take.
    case manifestLengthMismatch(header: UInt16, fields: Int)
    /// A reserved field, at this offset of the bundle, is not zero.
    case reservedNotZero(offset: Int)
    /// The label byte at this index (0...15) is not printable ASCII, or not NUL after a NUL.
    case labelNotPrintable(index: Int)
    /// The image length added to the other parts exceeds any length in memory.
    case imageTooLong(UInt64)
    /// Fewer bytes than header + manifest + image + signature.
    case truncated(length: Int, expected: UInt64)
    /// More bytes than header + manifest + image + signature.
    case trailingBytes(length: Int, expected: UInt64)

    /// The error in words, for a person.
    public var reason: String {
        switch self {
        case .noMagic:
            "not a signed bundle (no LIUB magic)"
        case .truncatedHeader(let length):
            "truncated: \(length) bytes, a bundle header takes \(BundleLayout.headerSize)"
        case .unsupportedVersion(let version):
            "bundle format version \(version), this kernel reads \(BundleLayout.version)"
        case .manifestTooShort(let length):
            "manifest length \(length), a manifest takes at least \(BundleLayout.fixedManifestLength) bytes"
        case .truncatedManifest(let length, let end):
            "truncated: \(length) bytes, the header says the manifest ends at \(end)"
        case .tooManyTrustedKeys(let count):
            "\(count) trusted keys, a bundle holds at most \(BundleLayout.maximumTrustedKeys)"
        case .manifestLengthMismatch(let header, let fields):
            "the header says the manifest takes \(header) bytes, its fields take \(fields)"
        case .reservedNotZero(let offset):
            "the reserved field at offset \(offset) is not zero"
        case .labelNotPrintable(let index):
            "the image label is not printable ASCII padded with NUL (byte \(index))"
        case .imageTooLong(let length):
            "an image of \(length) bytes cannot be in memory"
        case .truncated(let length, let expected):
            "truncated: \(length) bytes, the manifest says \(expected)"
        case .trailingBytes(let length, let expected):
            "\(length) bytes, the manifest says \(expected): \(UInt64(length) - expected) bytes too many"
        }
    }
}

/// Why a well-formed bundle is not to be installed (`UpdateBundle.verify`), in the order checked.
public enum BundleRefusal: Equatable, Sendable {
    /// The signing key id is not the id of any trusted key.
    case untrustedKey(keyID: [UInt8])
    /// The signature does not verify under the trusted key with the signing key id.
    case badSignature(SignatureCheck)
    /// The image's SHA-512 is not the manifest's digest.
    case digestMismatch
    /// The image is for another architecture (ELF e_machine values).
    case wrongArchitecture(bundle: UInt16, running: UInt16)
    /// The image's security version is below the running image's.
    case olderSecurityVersion(bundle: UInt64, running: UInt64)
    /// The image carries no readable trust note (`checkImageTrust`).
    case trustUnreadable(TrustNoteError)
    /// The image's trust note and the manifest disagree (`checkImageTrust`).
    case trustDiffers(image: ImageTrust, manifest: ImageTrust)

    /// The refusal in words, for a person.
    public var reason: String {
        switch self {
        case .untrustedKey(let keyID):
            "signed by an untrusted key \(Ed25519.hex(keyID))"
        case .badSignature(let check):
            "the signature does not verify: " + check.reason.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
        case .digestMismatch:
            "the image does not match its digest"
        case .wrongArchitecture(let bundle, let running):
            "an image for \(Self.name(machine: bundle)), this kernel runs \(Self.name(machine: running))"
        case .olderSecurityVersion(let bundle, let running):
            "security version \(bundle) is older than the running \(running)"
        case .trustUnreadable(let error):
            error.reason
        case .trustDiffers(let image, let manifest):
            "the image trusts \(image.summary), its manifest says \(manifest.summary)"
        }
    }

    /// The name of an ELF e_machine value: i686, x86_64, aarch64, else "machine N".
    static func name(machine: UInt16) -> String {
        switch machine {
        case ImageArchitecture.i386.machine: "i686"
        case ImageArchitecture.x86_64.machine: "x86_64"
        case ImageArchitecture.aarch64.machine: "aarch64"
        default: "machine \(machine)"
        }
    }
}

/// The outcome of `UpdateBundle.verify`.
public enum BundleVerdict: Equatable, Sendable {
    case accepted
    case refused(BundleRefusal)

    /// "accepted", or the refusal's reason.
    public var reason: String {
        switch self {
        case .accepted: "accepted"
        case .refused(let refusal): refusal.reason
        }
    }
}

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
        var text = TextBuilder()
        switch self {
        case .noMagic:
            text.add("not a signed bundle (no LIUB magic)")
        case .truncatedHeader(let length):
            text.add("truncated: "); text.add(length); text.add(" bytes, a bundle header takes "); text.add(BundleLayout.headerSize)
        case .unsupportedVersion(let version):
            text.add("bundle format version "); text.add(UInt64(version)); text.add(", this kernel reads ")
            text.add(UInt64(BundleLayout.version))
        case .manifestTooShort(let length):
            text.add("manifest length "); text.add(UInt64(length)); text.add(", a manifest takes at least ")
            text.add(BundleLayout.fixedManifestLength); text.add(" bytes")
        case .truncatedManifest(let length, let end):
            text.add("truncated: "); text.add(length); text.add(" bytes, the header says the manifest ends at "); text.add(end)
        case .tooManyTrustedKeys(let count):
            text.add(UInt64(count)); text.add(" trusted keys, a bundle holds at most "); text.add(BundleLayout.maximumTrustedKeys)
        case .manifestLengthMismatch(let header, let fields):
            text.add("the header says the manifest takes "); text.add(UInt64(header)); text.add(" bytes, its fields take ")
            text.add(fields)
        case .reservedNotZero(let offset):
            text.add("the reserved field at offset "); text.add(offset); text.add(" is not zero")
        case .labelNotPrintable(let index):
            text.add("the image label is not printable ASCII padded with NUL (byte "); text.add(index); text.add(")")
        case .imageTooLong(let length):
            text.add("an image of "); text.add(length); text.add(" bytes cannot be in memory")
        case .truncated(let length, let expected):
            text.add("truncated: "); text.add(length); text.add(" bytes, the manifest says "); text.add(expected)
        case .trailingBytes(let length, let expected):
            text.add(length); text.add(" bytes, the manifest says "); text.add(expected); text.add(": ")
            text.add(UInt64(length) - expected); text.add(" bytes too many")
        }
        return text.string
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
        var text = TextBuilder()
        switch self {
        case .untrustedKey(let keyID):
            text.add("signed by an untrusted key "); text.add(string: Ed25519.hex(keyID))
        case .badSignature(let check):
            text.add("the signature does not verify: "); text.add(check.reason)
        case .digestMismatch:
            text.add("the image does not match its digest")
        case .wrongArchitecture(let bundle, let running):
            text.add("an image for "); Self.add(machine: bundle, to: &text); text.add(", this kernel runs ")
            Self.add(machine: running, to: &text)
        case .olderSecurityVersion(let bundle, let running):
            text.add("security version "); text.add(bundle); text.add(" is older than the running "); text.add(running)
        case .trustUnreadable(let error):
            error.addReason(to: &text)
        case .trustDiffers(let image, let manifest):
            text.add("the image trusts "); image.addSummary(to: &text); text.add(", its manifest says ")
            manifest.addSummary(to: &text)
        }
        return text.string
    }

    /// The name of an ELF e_machine value: i686, x86_64, aarch64, else "machine N".
    static func add(machine: UInt16, to text: inout TextBuilder) {
        switch machine {
        case ImageArchitecture.i386.machine: text.add("i686")
        case ImageArchitecture.x86_64.machine: text.add("x86_64")
        case ImageArchitecture.aarch64.machine: text.add("aarch64")
        default: text.add("machine "); text.add(UInt64(machine))
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

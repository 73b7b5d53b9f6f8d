/// What an image trusts: the security version it runs at and the Ed25519 public keys whose
/// bundles it installs. `liu build` writes it into the image as an ELF note (owner `LIU`,
/// type 1, docs/update-bundle.md), which a running kernel reads from its own memory and from
/// a received image, and states it again in the bundle's manifest.
public struct ImageTrust: Equatable, Sendable {
    public static let noteType: UInt32 = 1
    /// At most this many keys, as a bundle's manifest holds.
    public static let maximumKeys = BundleLayout.maximumTrustedKeys
    /// Security version (8 bytes) and key count (4) before the keys.
    static let fixedDescriptorLength = 12

    public let securityVersion: UInt64
    /// 32-byte Ed25519 public keys, at most `maximumKeys`.
    public let keys: [[UInt8]]

    public init(securityVersion: UInt64, keys: [[UInt8]]) {
        self.securityVersion = securityVersion
        self.keys = keys
    }

    /// Finds the one trust note among the ELF notes in `notes` (a note section or segment).
    public init(notes: UnsafeRawBufferPointer) throws(TrustNoteError) {
        var reader = ELFNoteReader(notes)
        var found: ImageTrust? = nil
        while let note = reader.next() {
            guard note.isLIU(type: Self.noteType) else { continue }
            guard found == nil else { throw .duplicate }
            found = try ImageTrust(descriptor: note.descriptor)
        }
        guard !reader.malformed else { throw .malformed }
        guard let found else { throw .missing }
        self = found
    }

    /// Reads the note's descriptor: security version, key count, keys.
    init(descriptor: UnsafeRawBufferPointer) throws(TrustNoteError) {
        guard let base = descriptor.baseAddress, descriptor.count >= Self.fixedDescriptorLength else { throw .malformed }
        let count = base.loadLE(at: 8, as: UInt32.self)
        guard count <= UInt32(BundleLayout.maximumTrustedKeys) else { throw .tooManyKeys(count) }
        guard descriptor.count == Self.fixedDescriptorLength + BundleLayout.keyLength * Int(count) else { throw .malformed }
        securityVersion = base.loadLE(at: 0, as: UInt64.self)
        keys = (0..<Int(count)).map { index in
            let start = Self.fixedDescriptorLength + BundleLayout.keyLength * index
            return Array(descriptor[start..<(start + BundleLayout.keyLength)])
        }
    }

    /// The trust note of an ELF image for `architecture`, from its PT_NOTE segments.
    public init(image: UnsafeRawBufferPointer, architecture: ImageArchitecture) throws(TrustNoteError) {
        let segments: [UnsafeRawBufferPointer]
        do throws(ELFError) {
            segments = try ELFHeader(image, architecture: architecture).noteSegments()
        } catch {
            throw .unreadableImage(error)
        }
        var found: ImageTrust? = nil
        for segment in segments {
            do throws(TrustNoteError) {
                let trust = try ImageTrust(notes: segment)
                guard found == nil else { throw .duplicate }
                found = trust
            } catch .missing {
                continue
            }
        }
        guard let found else { throw .missing }
        self = found
    }

    #if !hasFeature(Embedded)
    /// The whole note, header and padding included, as `liu build` puts it into an image.
    public var noteBytes: [UInt8] {
        var descriptor = withUnsafeBytes(of: securityVersion.littleEndian, Array.init)
        descriptor += withUnsafeBytes(of: UInt32(keys.count).littleEndian, Array.init)
        descriptor += keys.joined()
        var note = withUnsafeBytes(of: UInt32(ELFNote.liuOwner.count).littleEndian, Array.init)
        note += withUnsafeBytes(of: UInt32(descriptor.count).littleEndian, Array.init)
        note += withUnsafeBytes(of: Self.noteType.littleEndian, Array.init)
        return note + ELFNote.liuOwner + descriptor
    }
    #endif

    /// "security version 5, keys 3f2a5c0d9e81b746 and 0b1c…", for a person.
    public var summary: String { TextBuilder.string { addSummary(to: &$0) } }

    /// "key 3f2a5c0d9e81b746", "keys 3f2a5c0d9e81b746, … and 0b1c…" or "no key": the key ids.
    public var keyList: String { TextBuilder.string { addKeyList(to: &$0) } }

    func addSummary(to text: inout TextBuilder) {
        text.add("security version ")
        text.add(securityVersion)
        text.add(", ")
        addKeyList(to: &text)
    }

    func addKeyList(to text: inout TextBuilder) {
        if keys.isEmpty { return text.add("no key") }
        text.add(keys.count == 1 ? "key " : "keys ")
        for (index, key) in keys.enumerated() {
            if index > 0 { text.add(index == keys.count - 1 ? " and " : ", ") }
            text.add(string: Ed25519.hex(Ed25519.keyID(publicKey: key)))
        }
    }
}

/// Why an image's trust note cannot be read.
public enum TrustNoteError: Error, Equatable, Sendable {
    /// No note with owner `LIU` and type 1.
    case missing
    /// More than one.
    case duplicate
    /// A note header or descriptor that does not fit its sizes.
    case malformed
    case tooManyKeys(UInt32)
    /// The ELF headers do not lead to the notes.
    case unreadableImage(ELFError)

    public var reason: String { TextBuilder.string { addReason(to: &$0) } }

    func addReason(to text: inout TextBuilder) {
        switch self {
        case .missing: text.add("the image has no trust note (liu build writes it)")
        case .duplicate: text.add("the image has two trust notes")
        case .malformed: text.add("the image's trust note is malformed")
        case .tooManyKeys(let count):
            text.add("the image's trust note names "); text.add(UInt64(count)); text.add(" keys, at most ")
            text.add(BundleLayout.maximumTrustedKeys)
        case .unreadableImage: text.add("the image's headers do not lead to its trust note")
        }
    }
}

import LiveUpdate
import Testing

/// The trust note `liu build` writes into an image and the kernel reads back from its own
/// memory and from a received image (docs/update-bundle.md, "Trust note").
@Suite("Image trust note")
struct ImageTrustTests {
    static let keys = [Ed25519.publicKey(seed: [UInt8](repeating: 1, count: 32)),
                       Ed25519.publicKey(seed: [UInt8](repeating: 2, count: 32))]
    static let trust = ImageTrust(securityVersion: 7, keys: keys)
    /// Another vendor's note before ours, as in an x86_64 PT_NOTE that also holds the PVH note.
    static let pvhNote: [UInt8] = [4, 0, 0, 0, 4, 0, 0, 0, 18, 0, 0, 0] + Array("Xen\0".utf8) + [0, 0, 0x10, 0]

    static func read(_ notes: [UInt8]) -> Result<ImageTrust, TrustNoteError> {
        notes.withUnsafeBytes { buffer in
            do throws(TrustNoteError) { return .success(try ImageTrust(notes: buffer)) } catch { return .failure(error) }
        }
    }

    static func image(notes: [[UInt8]], _ architecture: ImageArchitecture = .x86_64) -> [UInt8] {
        ELFTestImage(architecture: architecture, entry: 0x10_0010,
                     segments: [.load(at: 0x10_0000, bytes: 256)] + notes.map { .note($0) }).bytes
    }

    static func readImage(_ bytes: [UInt8], _ architecture: ImageArchitecture = .x86_64) -> Result<ImageTrust, TrustNoteError> {
        bytes.withUnsafeBytes { buffer in
            do throws(TrustNoteError) {
                return .success(try ImageTrust(image: buffer, architecture: architecture))
            } catch { return .failure(error) }
        }
    }

    @Test func noteLayout() {
        let note = Self.trust.noteBytes
        #expect(note.count == 12 + 4 + 12 + 64)
        #expect(Array(note[0..<12]) == [4, 0, 0, 0, 76, 0, 0, 0, 1, 0, 0, 0])
        #expect(Array(note[12..<16]) == Array("LIU\0".utf8))
        #expect(Array(note[16..<28]) == [7, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0])
    }

    @Test("read back alone, after another note, and from an image of every architecture", arguments: ImageArchitecture.allCases)
    func roundTrip(_ architecture: ImageArchitecture) {
        #expect(Self.read(Self.trust.noteBytes) == .success(Self.trust))
        #expect(Self.read(Self.pvhNote + Self.trust.noteBytes) == .success(Self.trust))
        #expect(Self.readImage(Self.image(notes: [Self.pvhNote, Self.trust.noteBytes], architecture), architecture) == .success(Self.trust))
        let none = ImageTrust(securityVersion: 0, keys: [])
        #expect(Self.read(none.noteBytes) == .success(none))
    }

    @Test func missingOrTwice() {
        #expect(Self.read(Self.pvhNote) == .failure(.missing))
        #expect(Self.read([]) == .failure(.missing))
        #expect(Self.readImage(Self.image(notes: [])) == .failure(.missing))
        #expect(Self.read(Self.trust.noteBytes + Self.trust.noteBytes) == .failure(.duplicate))
        #expect(Self.readImage(Self.image(notes: [Self.trust.noteBytes, Self.trust.noteBytes])) == .failure(.duplicate))
        #expect(Self.readImage([1, 2, 3]) == .failure(.unreadableImage(.truncatedHeader(length: 3))))
    }

    @Test func malformed() {
        var note = Self.trust.noteBytes
        note.patch(0xFFFF_FFFF, at: 4, count: 4)  // a descriptor size no buffer holds
        #expect(Self.read(note) == .failure(.malformed))
        note = Self.trust.noteBytes
        note.patch(75, at: 4, count: 4)  // one byte short of the two keys
        #expect(Self.read(note) == .failure(.malformed))
        note = Self.trust.noteBytes
        note.patch(9, at: 24, count: 4)
        #expect(Self.read(note) == .failure(.tooManyKeys(9)))
        #expect(Self.read(Array(Self.trust.noteBytes.dropLast())) == .failure(.malformed))
        #expect(Self.read(Array(Self.trust.noteBytes.prefix(11))) == .failure(.malformed))
    }

    @Test func summary() {
        #expect(ImageTrust(securityVersion: 0, keys: []).summary == "security version 0, no key")
        let one = ImageTrust(securityVersion: 3, keys: [Self.keys[0]]).summary
        #expect(one == "security version 3, key \(Ed25519.hex(Ed25519.keyID(publicKey: Self.keys[0])))")
        #expect(Self.trust.summary.contains(" and "))
    }

    @Test("a bundle whose manifest states another trust than its image's is refused")
    func bundleAgreesWithImage() throws {
        let seed = [UInt8](repeating: 1, count: 32)
        let image = Self.image(notes: [Self.trust.noteBytes])
        func check(_ securityVersion: UInt64, _ keys: [[UInt8]], _ bytes: [UInt8] = image) throws -> BundleRefusal? {
            let bundle = UpdateBundle.make(image: bytes, architecture: 62, securityVersion: securityVersion, label: "2",
                                           signingSeed: seed, trustedKeys: keys)
            return try bundle.withUnsafeBytes { try UpdateBundle(parsing: $0).checkImageTrust(architecture: .x86_64) }
        }
        #expect(try check(7, Self.keys) == nil)
        let stated = ImageTrust(securityVersion: 8, keys: Self.keys)
        #expect(try check(8, Self.keys) == .trustDiffers(image: Self.trust, manifest: stated))
        #expect(try check(7, [Self.keys[0]]) == .trustDiffers(image: Self.trust, manifest: ImageTrust(securityVersion: 7, keys: [Self.keys[0]])))
        #expect(try check(7, Self.keys, Self.image(notes: [])) == .trustUnreadable(.missing))
        #expect(BundleRefusal.trustDiffers(image: Self.trust, manifest: stated).reason.hasPrefix(
            "the image trusts security version 7, keys "))
    }
}

import LiveUpdate
import Testing

/// The 64-bit soft-reset entry an x86_64 image names in its LIU type-2 note, which an x86_64
/// kernel's long-mode hotswap stub jumps to (docs/update-sequence.md, "Stubs").
@Suite("Long-mode entry note")
struct LongModeEntryTests {
    /// The note as long_mode.S writes it: owner "LIU", type 2, the 8-byte address.
    static func note(_ address: UInt64, type: UInt32 = KernelImage.longModeEntryNoteType, descriptorSize: UInt32 = 8) -> [UInt8] {
        var out = ByteWriter()
        out.u32(4)
        out.u32(descriptorSize)
        out.u32(type)
        out.bytes(Array("LIU\0".utf8))
        out.u64(address)
        return out.data + [UInt8](repeating: 0, count: Int(descriptorSize) - 8)
    }

    /// The validation tests' sample (text at 1 MiB) with `notes` as one PT_NOTE segment.
    static func image(_ notes: [UInt8], _ architecture: ImageArchitecture = .x86_64) -> [UInt8] {
        var image = ELFValidationTests.sample(architecture)
        image.segments.append(.note(notes))
        return image.bytes
    }

    func validate(_ bytes: [UInt8], as architecture: ImageArchitecture = .x86_64) -> Result<KernelImage, ELFError> {
        do throws(ELFError) { return .success(try ELFValidationTests.validate(bytes, as: architecture)) } catch { return .failure(error) }
    }

    @Test("read after another vendor's note, beside the 32-bit entry")
    func read() throws {
        let image = try validate(Self.image(ImageTrustTests.pvhNote + Self.note(0x10_0040))).get()
        #expect(image.longModeEntry == 0x10_0040)
        #expect(image.entry == 0x10_0010)
    }

    @Test("no note, or another LIU note type: none, so the stub that leaves long mode")
    func absent() throws {
        #expect(try validate(ELFValidationTests.sample().bytes).get().longModeEntry == nil)
        #expect(try validate(Self.image(Self.note(0x10_0040, type: 1))).get().longModeEntry == nil)
    }

    @Test("ignored for the 32-bit and aarch64 images, whose stubs always take the ELF entry", arguments: [ImageArchitecture.i386, .aarch64])
    func otherArchitectures(_ architecture: ImageArchitecture) throws {
        #expect(try validate(Self.image(Self.note(0x10_0040), architecture), as: architecture).get().longModeEntry == nil)
    }

    @Test("an entry outside the copied code is refused", arguments: [UInt64(0x10_1000), 0x10_0100, 0x50_0000])
    func outsideCode(_ address: UInt64) {
        #expect(validate(Self.image(Self.note(address))) == .failure(.longModeEntryNotInExecutableSegment(entry: address)))
    }

    @Test("two notes, a descriptor that is not 8 bytes, or notes that do not fit are refused")
    func malformed() {
        #expect(validate(Self.image(Self.note(0x10_0040) + Self.note(0x10_0050))) == .failure(.malformedLongModeEntryNote))
        #expect(validate(Self.image(Self.note(0x10_0040, descriptorSize: 12))) == .failure(.malformedLongModeEntryNote))
        #expect(validate(Self.image(Array(Self.note(0x10_0040).dropLast(4)))) == .failure(.malformedNotes))
    }
}

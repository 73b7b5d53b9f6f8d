import TestSupport
import LiveUpdate
import Testing

/// Cut, garbage and mutated images must be refused or accepted, never crash or read
/// outside the bytes. (The images liu builds are checked in BootTests, `BuiltImageValidationTests`.)
@Suite("ELF robustness")
struct ELFRobustnessTests {
    @Test("every prefix of a valid image is refused", arguments: ImageArchitecture.allCases)
    func prefixes(_ architecture: ImageArchitecture) {
        let bytes = ELFValidationTests.sample(architecture).bytes
        for length in 0..<bytes.count {
            #expect(throws: ELFError.self) { try ELFValidationTests.validate(Array(bytes.prefix(length)), as: architecture) }
        }
    }

    @Test("random garbage is refused")
    func garbage() {
        var generator = SplitMix64(seed: 0xE1F)
        for _ in 0..<2000 {
            var bytes = generator.bytes(Int.random(in: 0..<512, using: &generator))
            if bytes.count >= 4, Bool.random(using: &generator) { bytes.replaceSubrange(0..<4, with: [0x7F, 0x45, 0x4C, 0x46]) }
            #expect(throws: ELFError.self) { try ELFValidationTests.validate(bytes) }
        }
    }

    /// Mutations of a valid image: most are refused, some still pass; any accepted result
    /// must describe copies that stay inside the file and inside RAM.
    @Test("mutated images never yield out-of-bounds copies", arguments: ImageArchitecture.allCases)
    func mutations(_ architecture: ImageArchitecture) {
        let original = ELFValidationTests.sample(architecture).bytes
        var generator = SplitMix64(seed: 0x5EED &+ UInt64(architecture.machine))
        var refused = 0
        for _ in 0..<5000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<min(bytes.count, 160), using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            do throws(ELFError) {
                let image = try ELFValidationTests.validate(bytes, as: architecture)
                for copy in image.segments {
                    #expect(copy.sourceOffset + copy.fileSize <= UInt64(bytes.count))
                    #expect(copy.fileSize <= copy.memorySize)
                    #expect(ELFValidationTests.ram.contains(PhysicalRange(start: copy.destination, end: copy.destination + copy.memorySize)))
                }
            } catch { refused += 1 }
        }
        #expect(refused > 0)
    }
}

import TestSupport
import Foundation
import LiveUpdate
import Testing

/// Cut, garbage and mutated images must be refused or accepted, never crash or read
/// outside the bytes; the real kernel images must pass.
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

    static let kernelTargets: [(folder: String, architecture: ImageArchitecture)] = [
        ("i686", .i386), ("x86_64", .x86_64), ("aarch64", .aarch64),
    ]

    @Test("the kernel images liu builds validate", arguments: kernelTargets)
    func realKernels(_ target: (folder: String, architecture: ImageArchitecture)) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent(".build/kernel/\(target.folder)/kernel.elf")
        guard let data = FileManager.default.contents(atPath: path.path) else {
            print("skipped: \(path.path) not built (run liu build --target \(target.folder))")
            return
        }
        let ram = PhysicalRange(start: 0x10_0000, end: 0x1_0000_0000)
        let aarch64RAM = PhysicalRange(start: 0x4000_0000, end: 0x5000_0000)
        let constraints = ImageMemoryConstraints(ram: target.architecture == .aarch64 ? aarch64RAM : ram, forbidden: [])
        let image = try ELFValidationTests.validate([UInt8](data), as: target.architecture, constraints: constraints)
        #expect(!image.segments.isEmpty)
        #expect(image.segments.contains { PhysicalRange(start: $0.destination, end: $0.destination + $0.fileSize).contains(image.entry) })
        print("\(target.folder): \(data.count) bytes, \(image.segments.count) PT_LOAD, entry 0x\(String(image.entry, radix: 16))")
    }
}

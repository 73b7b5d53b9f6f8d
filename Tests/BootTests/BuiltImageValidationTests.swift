import Foundation
import Liu
import LiveUpdate
import Testing

/// The images `liu build` writes pass the same ELF validation a running kernel applies to a
/// pushed image (`KernelImage(validating:)`), with their entry point inside a loaded segment,
/// and fit the size budget.
@Suite("Built images validate")
struct BuiltImageValidationTests {
    @Test("every built-in service's image validates for its architecture", arguments: KernelTarget.allCases)
    func builtImagesValidate(_ target: KernelTarget) throws {
        let ram = target == .aarch64 ? PhysicalRange(start: 0x4000_0000, end: 0x5000_0000)
                                     : PhysicalRange(start: 0x10_0000, end: 0x1_0000_0000)
        for service in KernelBuild.builtInServices {
            let bytes = [UInt8](try Data(contentsOf: KernelImages.image(target, service)))
            let image = try bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) throws(ELFError) in
                try KernelImage(validating: buffer, architecture: target.architecture,
                                constraints: ImageMemoryConstraints(ram: ram, forbidden: []))
            }
            #expect(!image.segments.isEmpty, "\(service)")
            #expect(image.segments.contains { PhysicalRange(start: $0.destination, end: $0.destination + $0.fileSize).contains(image.entry) },
                    "\(target) \(service): the entry point lies in no loaded segment")
        }
    }

    /// The budget an update copies inside its downtime (issue 16): every built-in service's
    /// image, as `liu build` writes it (self-tests left out), is at most 256 KiB.
    static let imageBudget = 256 << 10

    @Test("every built-in service's image is at most 256 KiB", arguments: KernelTarget.allCases)
    func builtImagesFitTheBudget(_ target: KernelTarget) throws {
        for service in KernelBuild.builtInServices {
            let size = try Data(contentsOf: KernelImages.image(target, service)).count
            #expect(size <= Self.imageBudget, "\(target) \(service): \(size) bytes, \(size - Self.imageBudget) over 256 KiB")
        }
    }
}

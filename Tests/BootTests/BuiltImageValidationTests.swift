import Foundation
import Liu
import LiveUpdate
import Testing

/// The images `liu build` writes pass the same ELF validation a running kernel applies to a
/// pushed image (`KernelImage(validating:)`), with their entry point inside a loaded segment.
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
}

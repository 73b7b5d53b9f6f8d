import Foundation
import Liu
import Testing

/// The x86 kernels are built without SSE and must not use the x87 either: kvm-pvm's instruction
/// emulator refuses both (README, "KVM on this machine"), and a standard-library Dictionary
/// brings x87 code in with its floating-point sizing. Only the CRC32C routines, which run
/// when the CPU has them and `crc32c=software` is not given, may use vector registers.
@Suite("x86 image instructions")
struct ImageInstructionTests {
    static let allowedFunctionPrefix = "liu_crc32c_"

    @Test("compiled code uses neither x87 nor SSE", arguments: [KernelTarget.i686, .x86_64])
    func noFloatingPointUnit(_ target: KernelTarget) throws {
        _ = try KernelImages.image(target)
        let debugImage = KernelBuild(packageRoot: KernelImages.packageRoot).debugImagePath(target)
        let listing = try Self.disassemble(debugImage)
        #expect(listing.contains("<\(Self.allowedFunctionPrefix)"), "the disassembly lacks the CRC32C routines: not a listing of the image")
        let offenders = Self.floatingPointUsers(in: listing)
        #expect(offenders.isEmpty, "functions with x87 or SSE instructions in the \(target) image: \(offenders)")
    }

    @Test("the check finds x87 and SSE instructions")
    func checkSeesThem() {
        let listing = """
            kernel.debug.elf:	file format elf64-x86-64
            0000000000100000 <$es10_HashTableV5scale>:
              100004:      \tfildll\t-0x10(%rbp)
            0000000000100100 <liu_crc32c_hw3>:
              100104:      \tpxor\t%xmm3, %xmm0
            0000000000100200 <copyBytes>:
              100204:      \tmovq\t%r8, %xmm1
            0000000000100300 <plain>:
              100304:      \tmovq\t%rax, -0x48(%rbp)
            """
        #expect(Self.floatingPointUsers(in: listing) == ["$es10_HashTableV5scale", "copyBytes"])
    }

    /// Names of the functions in an `llvm-objdump -d` listing that use the x87 (mnemonics
    /// starting with `f`, `%st` operands) or vector registers, other than the CRC32C routines.
    static func floatingPointUsers(in listing: String) -> [String] {
        var offenders: [String] = []
        var function = ""
        for line in listing.split(separator: "\n") {
            if line.hasSuffix(">:"), let open = line.firstIndex(of: "<") {
                function = String(line[line.index(after: open)..<line.index(line.endIndex, offsetBy: -2)])
                continue
            }
            let fields = line.split(separator: "\t")
            guard fields.count >= 2, !function.isEmpty, !function.hasPrefix(allowedFunctionPrefix),
                  offenders.last != function else { continue }
            let mnemonic = fields[1].trimmingCharacters(in: .whitespaces)
            let operands = fields.count > 2 ? fields[2] : ""
            if mnemonic.hasPrefix("f") || operands.contains("%xmm") || operands.contains("%ymm") || operands.contains("%st") {
                offenders.append(function)
            }
        }
        return offenders
    }

    static func disassemble(_ image: URL) throws -> String {
        let objdump = try PeerCommand.run(["llvm-objdump", "-d", "--no-show-raw-insn", image.path], timeout: 120)
        guard objdump.status == 0 else { throw objdump }
        return objdump.output
    }
}

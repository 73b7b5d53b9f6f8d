import Foundation
import Liu
import Testing

/// The x86 kernels are built without SSE and must not use the x87 either: kvm-pvm's instruction
/// emulator refuses both (README, "KVM on this machine"), and a standard-library Dictionary
/// brings x87 code in with its floating-point sizing. Only the CRC32C routines, which run
/// when the CPU has them and `crc32c=software` is not given, and the SSE (i686) and AVX hotswap
/// stubs, chosen only without a KVM hypervisor, may use vector registers.
@Suite("x86 image instructions")
struct ImageInstructionTests {
    @Test("compiled code uses neither x87 nor SSE", arguments: [KernelTarget.i686, .x86_64])
    func noFloatingPointUnit(_ target: KernelTarget) throws {
        let builder = KernelBuild(packageRoot: KernelImages.packageRoot)
        for service in KernelBuild.builtInServices {
            _ = try KernelImages.image(target, service)
            let listing = try FloatingPointCheck.disassemble(try builder.debugImagePath(service: builder.builtInService(service), target))
            #expect(listing.contains("<\(FloatingPointCheck.allowedFunctionPrefixes[0])"),
                    "the disassembly lacks the CRC32C routines: not a listing of the image")
            #expect(listing.contains("<liu_avx_hotswap"), "the \(target) \(service) image lacks the AVX hotswap stub")
            let offenders = FloatingPointCheck.floatingPointUsers(in: listing)
            #expect(offenders.isEmpty, "functions with x87 or SSE instructions in the \(target) \(service) image: \(offenders)")
        }
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
            0000000000100400 <liu_avx_hotswap_start>:
              100404:      \tvmovups\t%ymm0, 0x20(%edi)
            0000000000100500 <hotswap_long_mode_start>:
              100504:      \tvmovups\t(%esi), %ymm1
            0000000000100600 <liu_sse_hotswap_start>:
              100604:      \tmovups\t%xmm0, (%edi)
            """
        #expect(FloatingPointCheck.floatingPointUsers(in: listing) == ["$es10_HashTableV5scale", "copyBytes", "hotswap_long_mode_start"])
    }
}

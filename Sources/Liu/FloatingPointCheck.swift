import Foundation

/// x86 images carry no floating point: interrupt handlers save no x87 or SSE state, and this
/// host's KVM (kvm-pvm) cannot run either. Swift code that uses `Double` or `Float`, or a
/// `Dictionary` or `Set` (their capacity is computed in floating point), compiles to x87 code
/// anyway; this check finds it in a compiled service and says what to write instead.
public enum FloatingPointCheck {
    /// Functions whose names start with one of these may use vector registers: the CRC32C
    /// routines, which run only when the CPU has the instructions and `crc32c=software` is not
    /// given; i686's SSE hotswap stub, chosen only when the CPU has SSE and no KVM hypervisor
    /// is present; and the AVX hotswap stubs (i686, x86_64 long mode), chosen only when the CPU
    /// has AVX and no KVM hypervisor is present, which turn the AVX state on themselves
    /// (CR4.OSXSAVE, XCR0). Interrupts are off while a stub copies, and it never returns.
    public static let allowedFunctionPrefixes = ["liu_crc32c_", "liu_sse_", "liu_avx_"]

    public static let advice = """
        x86 kernel images have no floating point (interrupt handlers do not save its registers, \
        and KVM without hardware virtualization cannot run it). Use integers instead of Double \
        and Float (fixed point: milliseconds, per mille), and HashMap (from Net, imported with \
        Kernel) instead of Dictionary and Set, whose capacity is computed in floating point.
        """

    /// Throws, naming the functions and the remedy, when `object` has x87 or SSE instructions.
    static func verify(object: URL, service: String) throws {
        let users = floatingPointUsers(in: try disassemble(object))
        guard !users.isEmpty else { return }
        let names = try demangle(users)
        let shown = names.prefix(5).map { "  \($0)" }.joined(separator: "\n")
        let more = names.count > 5 ? "\n  and \(names.count - 5) more" : ""
        throw ToolFailure(description: "\(service) uses floating point in:\n\(shown)\(more)\n\(advice)")
    }

    public static func disassemble(_ file: URL) throws -> String {
        try Shell.run("llvm-objdump", ["-d", "--no-show-raw-insn", file.path])
    }

    /// Names of the functions in an `llvm-objdump -d` listing that use the x87 (mnemonics
    /// starting with `f`, `%st` operands) or vector registers, outside `allowedFunctionPrefixes`.
    public static func floatingPointUsers(in listing: String) -> [String] {
        var offenders: [String] = []
        var function = ""
        for line in listing.split(separator: "\n") {
            if line.hasSuffix(">:"), let open = line.firstIndex(of: "<") {
                function = String(line[line.index(after: open)..<line.index(line.endIndex, offsetBy: -2)])
                continue
            }
            let fields = line.split(separator: "\t")
            guard fields.count >= 2, !function.isEmpty, !allowedFunctionPrefixes.contains(where: function.hasPrefix),
                  offenders.last != function else { continue }
            let mnemonic = fields[1].trimmingCharacters(in: .whitespaces)
            let operands = fields.count > 2 ? fields[2] : ""
            if mnemonic.hasPrefix("f") || operands.contains("%xmm") || operands.contains("%ymm") || operands.contains("%st") {
                offenders.append(function)
            }
        }
        return offenders
    }

    /// Swift symbol names as a person reads them (`swift demangle --simplified`).
    private static func demangle(_ symbols: [String]) throws -> [String] {
        let output = try Shell.run("swift-demangle", ["--simplified"] + symbols)
        return output.split(separator: "\n").map { line in
            String(line.split(separator: " ---> ", maxSplits: 1).last ?? line)
        }
    }
}

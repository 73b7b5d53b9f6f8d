/// Turns ld.lld's "undefined symbol" errors into what a service writer needs to know: which
/// Swift feature asked for the symbol, why the kernel does not have it, and what to write
/// instead. Kernel images link no C library and none of the toolchain's Unicode tables.
public enum LinkDiagnosis {
    /// The explanation for one missing symbol, or nil when it is not a known one.
    public static func explanation(forMissing symbol: String) -> String? {
        if symbol.hasPrefix("_swift_stdlib_") || symbol.hasPrefix("swift_stdlib_") {
            return """
                _swift_stdlib_… symbols are the Unicode tables, which kernel images leave out (about 40 KB). \
                String comparison and hashing need them: ==, <, hasPrefix, switch over strings, \
                a String key in a HashMap. Compare UTF-8 bytes instead: \
                a.utf8.elementsEqual(b.utf8), or keep keys as [UInt8].
                """
        }
        if symbol == "main" {
            return "the service has no entry point: mark its class @main (it conforms to Service)."
        }
        if symbol.hasPrefix("swift_task_") || symbol.hasPrefix("swift_continuation_") || symbol.hasPrefix("swift_job_") {
            return "\(symbol) belongs to Swift concurrency (async/await, Task, actors), which the kernel does not run: "
                + "use callbacks (onReadable, onAccept) and System.after for timers."
        }
        if mathFunctions.contains(symbol) {
            return "\(symbol) is C floating-point math; kernel images have no C library and, on x86, no floating point. "
                + "Use integer arithmetic."
        }
        if cLibraryFunctions.contains(symbol) {
            return "\(symbol) is from the C library, which kernel images do not have. For output use Console.write "
                + "(print also works); for memory, Swift arrays and UnsafeMutableRawPointer.allocate."
        }
        return nil
    }

    /// `output` of a failed link, with an explanation after it for every known missing symbol
    /// and one line for those it does not know.
    static func explain(_ output: String, service: String, target: KernelTarget) -> String {
        var missing: [String] = []
        for line in output.split(separator: "\n") {
            guard let range = line.range(of: "undefined symbol: ") else { continue }
            let symbol = String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
            if !missing.contains(symbol) { missing.append(symbol) }
        }
        guard !missing.isEmpty else { return output }
        var explained = ["\(service) (\(target.rawValue)) does not link: \(missing.count) undefined "
                         + (missing.count == 1 ? "symbol" : "symbols")]
        var reasons: [String] = []
        for symbol in missing {
            let reason = explanation(forMissing: symbol)
                ?? "\(symbol): not provided by the kernel or the Embedded Swift runtime."
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        explained += reasons.map { "- " + $0 }
        return explained.joined(separator: "\n") + "\n\nThe linker said:\n" + output
    }

    private static let mathFunctions: Set<String> = [
        "fmod", "fmodf", "sqrt", "sqrtf", "floor", "floorf", "ceil", "ceilf", "round", "roundf", "trunc", "truncf",
        "pow", "powf", "exp", "expf", "log", "logf", "log10", "log2", "sin", "cos", "tan", "fma", "fmaf",
        "__truncdfhf2", "__extendhfsf2", "__floatundidf", "__fixdfdi",
    ]

    private static let cLibraryFunctions: Set<String> = [
        "malloc", "calloc", "realloc", "printf", "puts", "fputs", "fwrite", "write", "exit", "abort", "strlen",
        "strcmp", "getenv", "time", "clock_gettime", "usleep", "pthread_self",
    ]
}

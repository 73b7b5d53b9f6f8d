import KernelCore
import Testing

/// Runs `body` with a command line over the UTF-8 bytes of `text`.
func withCommandLine<R>(_ text: String, _ body: (KernelCommandLine) throws -> R) rethrows -> R {
    try Array(text.utf8).withUnsafeBytes { try body(KernelCommandLine($0)) }
}

func parsedInteger(_ text: String) -> Result<UInt64, CommandLineError> {
    Array(text.utf8).withUnsafeBytes { bytes in
        Result { () throws(CommandLineError) in try KernelCommandLine.parseInteger(bytes) }
    }
}

@Suite struct KernelCommandLineTests {
    @Test func findsValuesAndFlags() {
        withCommandLine("  console=ttyS0\tquiet heap=64 port=80 empty= port=8080\nverbose ") { line in
            #expect(line.value(for: "console")?.text == "ttyS0")
            #expect(line.value(for: "port")?.text == "8080")
            #expect(line.value(for: "empty")?.text == "")
            #expect(line.value(for: "quiet") == nil)
            #expect(line.value(for: "cons") == nil)
            #expect(line.contains(flag: "quiet"))
            #expect(line.contains(flag: "verbose"))
            #expect(!line.contains(flag: "heap"))
            #expect(!line.contains(flag: "quie"))
        }
    }

    @Test func stopsAtNUL() {
        withCommandLine("a=1 b\0c=3") { line in
            #expect(line.contains(flag: "b"))
            #expect(line.value(for: "c") == nil)
        }
    }

    /// A key matches an argument's whole name: not its first letters, nor a name it begins.
    @Test func keysMatchWholeNames() {
        withCommandLine("heapsize=5 heap=6 h=7 heap") { line in
            #expect(line.value(for: "heap")?.text == "6")
            #expect(line.value(for: "heapsize")?.text == "5")
            #expect(line.value(for: "h")?.text == "7")
            #expect(line.value(for: "heaps") == nil && line.value(for: "heapsize=") == nil)
        }
    }

    @Test func valueMayContainEquals() {
        withCommandLine("root=UUID=1234") { line in
            #expect(line.value(for: "root")?.text == "UUID=1234")
        }
    }

    @Test func emptyLine() {
        withCommandLine("") { line in
            #expect(line.value(for: "a") == nil)
            #expect(!line.contains(flag: "a"))
        }
    }

    @Test func parsesIntegers() throws {
        #expect(parsedInteger("0") == .success(0))
        #expect(parsedInteger("4096") == .success(4096))
        #expect(parsedInteger("0x1000") == .success(4096))
        #expect(parsedInteger("0XfF") == .success(255))
        #expect(parsedInteger("18446744073709551615") == .success(.max))
        #expect(parsedInteger("0xFFFFFFFFFFFFFFFF") == .success(.max))
        #expect(parsedInteger("18446744073709551616") == .failure(.overflow))
        #expect(parsedInteger("0x10000000000000000") == .failure(.overflow))
        #expect(parsedInteger("") == .failure(.notANumber))
        #expect(parsedInteger("0x") == .failure(.notANumber))
        #expect(parsedInteger("12a") == .failure(.notANumber))
        #expect(parsedInteger("-1") == .failure(.notANumber))
        #expect(parsedInteger("0x1g") == .failure(.notANumber))
    }

    @Test func integerForKey() throws {
        try withCommandLine("heap=0x4000000 port=80 bad=8o") { line throws in
            #expect(try line.integer(for: "heap") == 0x400_0000)
            #expect(try line.integer(for: "port") == 80)
            #expect(try line.integer(for: "missing") == nil)
            #expect(throws: CommandLineError.notANumber) { try line.integer(for: "bad") }
        }
    }
}

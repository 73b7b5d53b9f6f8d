import LiveUpdate
import Testing

/// The kernel's error and status texts are built with `TextBuilder`: its numbers must read as
/// String interpolation's did.
@Suite("Text builder")
struct TextBuilderTests {
    private func text(_ build: (inout TextBuilder) -> Void) -> String {
        var text = TextBuilder()
        build(&text)
        return text.string
    }

    @Test("whole numbers in decimal, as interpolation prints them", arguments: [
        0, 1, 9, 10, 99, 100, 4096, 65535, 1_000_000, Int(Int32.max), Int.max, -1, -42, Int.min,
    ])
    func decimal(_ value: Int) {
        #expect(text { $0.add(value) } == "\(value)")
        if value >= 0 { #expect(text { $0.add(UInt64(value)) } == "\(value)") }
    }

    @Test func largestUnsigned() {
        #expect(text { $0.add(UInt64.max) } == "18446744073709551615")
    }

    @Test("hexadecimal with 0x and no leading zeros")
    func hex() {
        #expect(text { $0.add(hex: 0) } == "0x0")
        #expect(text { $0.add(hex: 0xF) } == "0xf")
        #expect(text { $0.add(hex: 0x10_0000) } == "0x100000")
        #expect(text { $0.add(hex: 0x4020_0000) } == "0x40200000")
        #expect(text { $0.add(hex: UInt64.max) } == "0xffffffffffffffff")
    }

    @Test("sizes: bytes below 10 KiB, KiB below 1 MiB, else MiB, one decimal rounded down")
    func byteSize() {
        let cases: [(UInt64, String)] = [
            (0, "0 bytes"), (5000, "5000 bytes"), (10 * 1024 - 1, "10239 bytes"), (10 * 1024, "10 KiB"),
            (299_929, "292.8 KiB"), (262_144, "256 KiB"), (1 << 20, "1 MiB"), (1_572_864, "1.5 MiB"),
            (16 << 20, "16 MiB"), ((1 << 20) - 1, "1023.9 KiB"),
        ]
        for (bytes, expected) in cases {
            #expect(text { $0.add(byteSize: bytes) } == expected, "\(bytes)")
        }
    }

    @Test("pieces in order: static text, Strings, UTF-8 bytes, numbers")
    func pieces() {
        var built = TextBuilder("segment ")
        built.add(3)
        built.add(" of ")
        built.add(string: "γάμμα")
        built.add(utf8: Array(" ok".utf8))
        #expect(built.string == "segment 3 of γάμμα ok")
        #expect(built.bytes == Array("segment 3 of γάμμα ok".utf8))
    }
}

/// A text for a person (an error's reason, a status line) built piece by piece into UTF-8
/// bytes. String interpolation would do the same, but in Embedded Swift each interpolation
/// brings its own copy of the String-growing and number-formatting code: the kernel's error
/// texts took some 25 KB of every image that way. Here each piece is one call.
public struct TextBuilder {
    /// The text so far, UTF-8.
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public init(_ start: StaticString) {
        add(start)
    }

    /// The text as a String.
    public var string: String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// The String `build` writes: for the `String` properties of types that write their text
    /// into a builder (`addReason(to:)` and the like).
    public static func string(_ build: (inout TextBuilder) -> Void) -> String {
        var text = TextBuilder()
        build(&text)
        return text.string
    }

    @inline(never)
    public mutating func add(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A text that is a String already (another reason, a label), in place (`withNativeUTF8`):
    /// walking `utf8` would bring the code for foreign (bridged) strings along, which the
    /// kernel has none of.
    @inline(never)
    public mutating func add(string text: String) {
        text.withNativeUTF8 { bytes.append(contentsOf: $0) }
    }

    /// UTF-8 bytes.
    @inline(never)
    public mutating func add(utf8 text: some Collection<UInt8>) {
        bytes.append(contentsOf: text)
    }

    /// A whole number in decimal.
    @inline(never)
    public mutating func add(_ value: UInt64) {
        var digits = InlineArray<20, UInt8>(repeating: 0)
        var count = 0
        var rest = value
        repeat {
            digits[count] = UInt8(truncatingIfNeeded: rest % 10) + 0x30
            count += 1
            rest /= 10
        } while rest > 0
        while count > 0 {
            count -= 1
            bytes.append(digits[count])
        }
    }

    /// A signed whole number in decimal.
    @inline(never)
    public mutating func add(_ value: Int) {
        if value < 0 { bytes.append(0x2D) }
        add(UInt64(value.magnitude))
    }

    /// `0x` and the hexadecimal digits, without leading zeros.
    @inline(never)
    public mutating func add(hex value: UInt64) {
        add("0x")
        var shift: UInt64 = 60
        while shift > 0 && value >> shift == 0 { shift -= 4 }
        while true {
            let nibble = UInt8(truncatingIfNeeded: value >> shift) & 0xF
            bytes.append(nibble < 10 ? nibble + 0x30 : nibble + 0x57)
            if shift == 0 { break }
            shift -= 4
        }
    }

    /// A size for a person (`5000 bytes`, `292.9 KiB`, `1.5 MiB`): bytes below 10 KiB, KiB below
    /// 1 MiB, else MiB; one decimal (rounded down), integers only.
    @inline(never)
    public mutating func add(byteSize bytes: UInt64) {
        if bytes < 10 << 10 {
            add(bytes)
            add(" bytes")
            return
        }
        let unit: UInt64 = bytes < 1 << 20 ? 1 << 10 : 1 << 20
        let tenths = bytes / unit * 10 + bytes % unit * 10 / unit
        add(tenths / 10)
        if tenths % 10 != 0 {
            add(".")
            add(tenths % 10)
        }
        add(bytes < 1 << 20 ? " KiB" : " MiB")
    }
}

extension String {
    /// Calls `body` with the string's UTF-8 in place. Strings here are always native UTF-8
    /// (Embedded Swift and Linux bridge none), which `withContiguousStorageIfAvailable` hands
    /// over as they are; `withUTF8` would also link its copying path for other strings,
    /// several KiB of every image.
    public func withNativeUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let result = utf8.withContiguousStorageIfAvailable(body) else { preconditionFailure("a String without contiguous UTF-8") }
        return result
    }
}

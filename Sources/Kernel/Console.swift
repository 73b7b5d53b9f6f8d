/// Serial console output that never allocates, so the panic path can use it even when the
/// heap is broken. `print` from the standard library also works: it ends in `putchar`.
public enum Console {
    @export(interface)
    public static func write(_ text: StaticString) {
        text.withUTF8Buffer { bytes in
            for byte in bytes { put(byte) }
        }
    }

    @export(interface)
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes { put(byte) }
        }
    }

    @export(interface)
    public static func write(bytes: UnsafeRawBufferPointer) {
        for byte in bytes { put(byte) }
    }

    @export(interface)
    public static func writeDecimal(_ value: UInt64) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &digits) { buffer in
            var remaining = value
            var count = 0
            repeat {
                buffer[count] = UInt8(truncatingIfNeeded: remaining % 10) + 48
                remaining /= 10
                count += 1
            } while remaining != 0
            while count > 0 {
                count -= 1
                put(buffer[count])
            }
        }
    }

    @export(interface)
    public static func writeDecimal(_ value: Int64) {
        if value < 0 { put(45) }
        writeDecimal(value.magnitude)
    }

    /// Writes `0x` and `digits` hexadecimal digits.
    @export(interface)
    public static func writeHex(_ value: UInt64, digits: Int = 16) {
        write("0x")
        var shift = (digits - 1) * 4
        while shift >= 0 {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0xF
            put(nibble < 10 ? nibble + 48 : nibble + 87)
            shift -= 4
        }
    }

    /// Writes microseconds given in nanoseconds as `123.456 ms`-style text with µs precision.
    @export(interface)
    public static func writeMilliseconds(nanoseconds: UInt64) {
        let micros = nanoseconds / 1000
        writeDecimal(micros / 1000)
        put(46)
        let fraction = micros % 1000
        if fraction < 100 { put(48) }
        if fraction < 10 { put(48) }
        writeDecimal(fraction)
        write(" ms")
    }

    @export(interface)
    public static func newline() { put(10) }

    @inline(__always)
    static func put(_ byte: UInt8) {
        if byte == 10 { Arch.consoleWrite(13) }
        Arch.consoleWrite(byte)
    }
}

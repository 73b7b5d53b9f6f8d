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
        text.withNativeUTF8 { bytes in
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

    @inline(never)
    static func put(_ byte: UInt8) {
        if isHolding { return keep(byte) }
        if byte == 10 { Arch.consoleWrite(13) }
        Arch.consoleWrite(byte)
    }

    private static func keep(_ byte: UInt8) {
        guard heldCount < held.count else {
            release()                       // full: what is held goes out first, then the rest
            return put(byte)
        }
        held[heldCount] = byte
        heldCount += 1
    }

    /// Holds what is written from now on instead of sending it to the serial port, until
    /// `release`: a kernel started by an update holds its output until its service serves
    /// again, because every byte written to the port is downtime (a port access each, and a
    /// VM exit each under KVM). At most 1 KiB is held; more sends it.
    static func hold() { isHolding = true }

    /// Sends what `hold` kept, then writes directly again. The runtime calls it when the
    /// service serves, and before any exit, reset or hotswap, so that nothing held is lost.
    static func release() {
        guard isHolding else { return }
        isHolding = false
        for index in 0..<heldCount { put(held[index]) }
        heldCount = 0
    }

    /// Fixed storage: the new kernel holds from before its heap exists.
    nonisolated(unsafe) private static var held = InlineArray<1024, UInt8>(repeating: 0)
    nonisolated(unsafe) private static var heldCount = 0
    nonisolated(unsafe) private static var isHolding = false
}

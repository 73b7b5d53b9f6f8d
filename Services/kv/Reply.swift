import Kernel

/// Replies in RESP2, appended to one buffer per batch of pipelined requests so that a batch
/// goes out in one write.
struct Reply {
    var bytes: Bytes = []
    /// QUIT, or a protocol error: close the connection once this reply is sent.
    var closeConnection = false

    mutating func ok() { bytes += Bytes("+OK\r\n") }

    mutating func simple(_ text: StaticString) {
        bytes.append(UInt8(ascii: "+"))
        bytes += Bytes(text)
        crlf()
    }

    /// `-MESSAGE`: the message starts with its code (ERR, WRONGTYPE, OOM).
    mutating func error(_ message: StaticString) { error(Bytes(message)) }

    mutating func error(_ message: Bytes) {
        bytes.append(UInt8(ascii: "-"))
        // A line break inside would end the reply early: Redis replaces them too.
        bytes += message.map { $0 == 13 || $0 == 10 ? UInt8(ascii: " ") : $0 }
        crlf()
    }

    mutating func integer(_ value: Int64) {
        bytes.append(UInt8(ascii: ":"))
        bytes.appendDecimal(value)
        crlf()
    }

    mutating func integer(_ value: Int) { integer(Int64(value)) }
    mutating func boolean(_ value: Bool) { integer(value ? 1 : 0) }

    mutating func bulk(_ value: Bytes) {
        bytes.append(UInt8(ascii: "$"))
        bytes.appendDecimal(value.count)
        crlf()
        bytes += value
        crlf()
    }

    mutating func bulk(_ value: StaticString) { bulk(Bytes(value)) }

    mutating func bulkDecimal(_ value: Int64) {
        var digits = Bytes()
        digits.appendDecimal(value)
        bulk(digits)
    }

    /// `$-1`, the null bulk string.
    mutating func null() { bytes += Bytes("$-1\r\n") }
    /// `*-1`, the null array.
    mutating func nullArray() { bytes += Bytes("*-1\r\n") }

    mutating func arrayHeader(_ count: Int) {
        bytes.append(UInt8(ascii: "*"))
        bytes.appendDecimal(count)
        crlf()
    }

    mutating func array(_ values: some Collection<Bytes>) {
        arrayHeader(values.count)
        for value in values { bulk(value) }
    }

    // The errors Redis words the same way in many commands.
    mutating func wrongType() { error("WRONGTYPE Operation against a key holding the wrong kind of value") }
    mutating func notInteger() { error("ERR value is not an integer or out of range") }
    mutating func syntaxError() { error("ERR syntax error") }
    mutating func notPositive() { error("ERR value is out of range, must be positive") }

    private mutating func crlf() { bytes += [13, 10] }
}

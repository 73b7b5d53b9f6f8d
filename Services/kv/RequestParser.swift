import Kernel

/// Reads one request from the front of a connection's input, in place: a RESP2 array of bulk
/// strings (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`), or an inline command (`GET k\r\n`, words split
/// as Redis splits them, with quotes). A request that is not complete yet is left where it
/// is, in the connection, so a live update keeps it.
enum ParsedRequest {
    /// The arguments (the command name first; empty for a blank line or `*0`) and the bytes
    /// the request took.
    case request([Bytes], length: Int)
    /// More input is needed: at least `needed` bytes in all, when the parser knows.
    case incomplete(needed: Int)
    /// The input cannot be a request: the reply is `-ERR Protocol error: …` and the
    /// connection closes, as Redis does.
    case malformed(Bytes)
}

struct RequestParser {
    /// Redis's limits: 1024 × 1024 arguments, 64 KiB for an inline command.
    static let maximumArguments = 1024 * 1024
    static let maximumLine = 64 * 1024

    /// The longest request accepted: it must fit in the connection's receive buffer, where it
    /// waits until complete. A bulk string declared longer is refused at once.
    let maximumRequest: Int

    func parse(_ input: UnsafeRawBufferPointer) -> ParsedRequest {
        guard let first = input.first else { return .incomplete(needed: 1) }
        return first == UInt8(ascii: "*") ? parseArray(input) : parseInline(input)
    }

    private func parseArray(_ input: UnsafeRawBufferPointer) -> ParsedRequest {
        guard let (count, afterCount) = lengthLine(input, from: 1) else { return .incomplete(needed: 0) }
        guard let count, count <= Int64(Self.maximumArguments) else { return .malformed(Bytes("invalid multibulk length")) }
        guard count > 0 else { return .request([], length: afterCount) }
        var arguments: [Bytes] = []
        var position = afterCount
        for parsed in 0..<Int(count) {
            // Each argument left takes at least 6 bytes (`$0\r\n\r\n`): a request that cannot
            // fit is refused now, not re-parsed with every segment until the buffer is full.
            let needed = position + (Int(count) - parsed) * 6
            guard needed <= maximumRequest else { return .malformed(Bytes("request too large")) }
            guard position < input.count else { return .incomplete(needed: needed) }
            guard input[position] == UInt8(ascii: "$") else { return .malformed(Bytes("expected '$', got '") + [input[position], 39]) }
            guard let (length, afterLength) = lengthLine(input, from: position + 1) else { return .incomplete(needed: needed) }
            guard let length, length >= 0, length <= Int64(maximumRequest) else { return .malformed(Bytes("invalid bulk length")) }
            let end = afterLength + Int(length)
            guard end <= maximumRequest else { return .malformed(Bytes("request too large")) }
            guard end + 2 <= input.count else { return .incomplete(needed: end + 2) }
            guard input[end] == 13, input[end + 1] == 10 else { return .malformed(Bytes("bulk string not terminated by CRLF")) }
            arguments.append(Bytes(input[afterLength..<end]))
            position = end + 2
        }
        return .request(arguments, length: position)
    }

    /// The number after a type byte, up to CRLF: nil when the line is not complete, a nil
    /// number when it is not one (or the line runs on past any number's length).
    private func lengthLine(_ input: UnsafeRawBufferPointer, from start: Int) -> (Int64?, Int)? {
        var index = start
        while index + 1 < input.count {
            if input[index] == 13 && input[index + 1] == 10 {
                return (Int64(redisDecimal: Bytes(input[start..<index])[...]), index + 2)
            }
            guard index - start < 32 else { return (nil, index) }   // no number is that long
            index += 1
        }
        return nil
    }

    private func parseInline(_ input: UnsafeRawBufferPointer) -> ParsedRequest {
        guard let newline = input.firstIndex(of: 10) else {
            return input.count > Self.maximumLine ? .malformed(Bytes("too big inline request")) : .incomplete(needed: 0)
        }
        guard newline <= Self.maximumLine else { return .malformed(Bytes("too big inline request")) }
        var line = input[..<newline]
        if line.last == 13 { line = line.dropLast() }
        guard let words = Self.splitArguments(line) else { return .malformed(Bytes("unbalanced quotes in request")) }
        return .request(words, length: newline + 1)
    }

    /// Words separated by spaces; "double quotes" take \n \r \t \b \a \\ \" and \xHH escapes,
    /// 'single quotes' take \'; a closing quote must be followed by a space or the end (as
    /// Redis's sdssplitargs).
    static func splitArguments(_ line: Slice<UnsafeRawBufferPointer>) -> [Bytes]? {
        var words: [Bytes] = []
        var index = line.startIndex
        let end = line.endIndex
        let isSpace = { (byte: UInt8) in byte == 32 || byte == 9 || byte == 13 || byte == 10 || byte == 11 || byte == 12 }
        while true {
            while index < end && isSpace(line[index]) { index += 1 }
            guard index < end else { return words }
            var word = Bytes()
            let quote: UInt8? = line[index] == 34 || line[index] == 39 ? line[index] : nil
            if quote != nil { index += 1 }
            while true {
                guard index < end else {
                    if quote != nil { return nil }
                    break
                }
                let byte = line[index]
                if let quote {
                    if byte == quote {
                        index += 1
                        guard index == end || isSpace(line[index]) else { return nil }
                        break
                    }
                    if byte == 92 && index + 1 < end {
                        let next = line[index + 1]
                        if quote == 34, next == UInt8(ascii: "x"), index + 3 < end,
                           let high = hexValue(line[index + 2]), let low = hexValue(line[index + 3]) {
                            word.append(high << 4 | low)
                            index += 4
                            continue
                        }
                        if quote == 34 || next == 39 {
                            word.append(quote == 34 ? unescaped(next) : next)
                            index += 2
                            continue
                        }
                    }
                    word.append(byte)
                } else {
                    if isSpace(byte) { break }
                    word.append(byte)
                }
                index += 1
            }
            words.append(word)
        }
    }

    private static func unescaped(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "n"): 10
        case UInt8(ascii: "r"): 13
        case UInt8(ascii: "t"): 9
        case UInt8(ascii: "b"): 8
        case UInt8(ascii: "a"): 7
        default: byte
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// The header fields that decide how a request is framed and whether its connection stays
/// open: `Host`, `Content-Length`, `Transfer-Encoding` and `Connection`. Others are checked
/// for syntax only.
struct HeaderFields {
    private var hosts = 0
    private var contentLength: Int?
    private var transferEncoding = false
    private var connectionClose = false
    private var connectionKeepAlive = false

    /// The largest `Content-Length` read as a number; larger ones are refused as too large.
    /// Below Int32.max / 10, so reading one more digit cannot overflow on i686.
    static let lengthLimit = 100_000_000

    /// Reads one `name: value` line; returns a refusal when it is malformed or contradicts an
    /// earlier one.
    mutating func add(_ line: ArraySlice<UInt8>) -> HttpParse? {
        if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
            return .refused(.badRequest, "obsolete line folding in a header field")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return .refused(.badRequest, "a header line without a colon") }
        let name = line[..<colon]
        guard !name.isEmpty, name.allSatisfy(HttpRequestParser.isTokenByte) else {
            return .refused(.badRequest, "a header field name is not a token")
        }
        let value = trimmed(line[(colon + 1)...])
        guard !value.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else {
            return .refused(.badRequest, "a control character in a header field value")
        }
        if Self.named(name, "host") {
            hosts += 1
        } else if Self.named(name, "content-length") {
            return addContentLength(value)
        } else if Self.named(name, "transfer-encoding") {
            transferEncoding = true
        } else if Self.named(name, "connection") {
            for option in value.split(separator: UInt8(ascii: ",")) {
                let token = trimmed(option)
                if Self.named(token, "close") { connectionClose = true }
                if Self.named(token, "keep-alive") { connectionKeepAlive = true }
            }
        }
        return nil
    }

    /// A list of identical lengths counts as one (RFC 9110 8.6); different ones, or anything
    /// but digits, are refused.
    private mutating func addContentLength(_ value: ArraySlice<UInt8>) -> HttpParse? {
        for element in value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let digits = trimmed(element)
            guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                return .refused(.badRequest, "an invalid Content-Length")
            }
            var length = 0
            for digit in digits {
                length = length * 10 + Int(digit - UInt8(ascii: "0"))
                if length > Self.lengthLimit { return .refused(.contentTooLarge, "the request body is larger than the limit") }
            }
            if let earlier = contentLength, earlier != length { return .refused(.badRequest, "contradictory Content-Length values") }
            contentLength = length
        }
        return nil
    }

    /// The request with what the fields say about its framing and connection, or a refusal.
    func apply(to request: HttpRequest) -> HttpParse {
        var request = request
        if !request.isHTTP10 && hosts != 1 { return .refused(.badRequest, "an HTTP/1.1 request needs exactly one Host") }
        if transferEncoding && contentLength != nil { return .refused(.badRequest, "both Transfer-Encoding and Content-Length") }
        request.bodyLength = contentLength ?? 0
        request.hasTransferEncoding = transferEncoding
        request.keepAlive = !connectionClose && (request.keepAlive || connectionKeepAlive)
        return .request(request)
    }

    private func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return [] }
        return bytes[first...last]
    }

    /// Whether `bytes` is `lowercased` in any case (field names and tokens are case-insensitive).
    static func named(_ bytes: ArraySlice<UInt8>, _ lowercased: StaticString) -> Bool {
        let expected = UnsafeRawBufferPointer(start: lowercased.utf8Start, count: lowercased.utf8CodeUnitCount)
        return bytes.count == expected.count && zip(bytes, expected).allSatisfy { byte, lower in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == lower
        }
    }
}

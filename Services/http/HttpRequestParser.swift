/// A request head read from the start of a connection's input (RFC 9112): the request line,
/// then header fields, then an empty line. Only what the server needs is kept.
struct HttpRequest {
    enum Method { case get, head, other }

    var method: Method
    /// The request target up to its query, e.g. "/index.html".
    var path: ArraySlice<UInt8>
    /// The connection stays open after the response.
    var keepAlive: Bool
    /// HTTP/1.0: keep-alive only when asked, and said so in the response.
    var isHTTP10: Bool
    /// Bytes of the head, the empty line included (and the empty lines allowed before it).
    var headLength: Int
    /// Bytes of the body after the head (`Content-Length`).
    var bodyLength: Int
    /// A `Transfer-Encoding` was sent: the body's end is unknown to this server.
    var hasTransferEncoding: Bool
}

/// What the input holds: not a whole head yet, a request, or something refused with why.
enum HttpParse {
    case incomplete
    case request(HttpRequest)
    case refused(HttpStatus, StaticString)
}

enum HttpRequestParser {
    /// Parses the head at the start of `input`, which holds at most `limit` bytes of the
    /// connection: a head that does not end within them is too large (414 when even the
    /// request line does not end, 431 otherwise).
    static func parse(_ input: ArraySlice<UInt8>, limit: Int) -> HttpParse {
        var lines = LineReader(input)
        // A server SHOULD ignore at least one empty line before the request line (RFC 9112 2.2).
        var requestLine: ArraySlice<UInt8>
        repeat {
            switch lines.next() {
            case .line(let line): requestLine = line
            case .bareCR: return .refused(.badRequest, "a CR not followed by LF")
            case .none: return tooLarge(input, limit, requestLineEnded: false)
            }
        } while requestLine.isEmpty
        let parsedLine = parseRequestLine(requestLine)
        guard case .request(var request) = parsedLine else { return parsedLine }
        var fields = HeaderFields()
        while true {
            switch lines.next() {
            case .line(let line) where line.isEmpty:
                request.headLength = lines.offset
                return fields.apply(to: request)
            case .line(let line):
                if let refusal = fields.add(line) { return refusal }
            case .bareCR: return .refused(.badRequest, "a CR not followed by LF")
            case .none: return tooLarge(input, limit, requestLineEnded: true)
            }
        }
    }

    private static func tooLarge(_ input: ArraySlice<UInt8>, _ limit: Int, requestLineEnded: Bool) -> HttpParse {
        guard input.count >= limit else { return .incomplete }
        return requestLineEnded ? .refused(.headersTooLarge, "the request head is larger than the limit")
            : .refused(.uriTooLong, "the request line is longer than the limit")
    }

    /// `method SP request-target SP HTTP-version`, each part checked.
    private static func parseRequestLine(_ line: ArraySlice<UInt8>) -> HttpParse {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .refused(.badRequest, "the request line is not: method, target, version") }
        let (method, target, version) = (parts[0], parts[1], parts[2])
        guard !method.isEmpty, method.allSatisfy(isTokenByte) else { return .refused(.badRequest, "the method is not a token") }
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .refused(.badRequest, "the request target is not an absolute path")
        }
        guard version.count == 8, version.starts(with: "HTTP/".utf8), version[version.startIndex + 6] == UInt8(ascii: "."),
              let major = digit(version[version.startIndex + 5]), let minor = digit(version[version.startIndex + 7]) else {
            return .refused(.badRequest, "the HTTP version is malformed")
        }
        guard major == 1 else { return .refused(.versionNotSupported, "only HTTP/1.0 and HTTP/1.1 are served") }
        let kind: HttpRequest.Method = method.elementsEqual("GET".utf8) ? .get : method.elementsEqual("HEAD".utf8) ? .head : .other
        let path = target.prefix { $0 != UInt8(ascii: "?") }
        return .request(HttpRequest(method: kind, path: path, keepAlive: minor >= 1, isHTTP10: minor == 0,
                                    headLength: 0, bodyLength: 0, hasTransferEncoding: false))
    }

    private static func digit(_ byte: UInt8) -> UInt8? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : nil
    }

    /// tchar (RFC 9110 5.6.2): letters, digits and !#$%&'*+-.^_`|~
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

/// Lines ended by CRLF or a lone LF (RFC 9112 2.2); a CR anywhere else is refused.
private struct LineReader {
    enum Next { case line(ArraySlice<UInt8>), bareCR }

    let input: ArraySlice<UInt8>
    /// Bytes read so far, from the start of the input.
    private(set) var offset = 0

    init(_ input: ArraySlice<UInt8>) { self.input = input }

    mutating func next() -> Next? {
        let start = input.startIndex + offset
        guard let end = input[start...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        var line = input[start..<end]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        offset = end + 1 - input.startIndex
        return line.contains(UInt8(ascii: "\r")) ? .bareCR : .line(line)
    }
}

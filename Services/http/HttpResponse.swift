import Kernel

/// The bytes of a response head. Every response carries `Content-Length` (also for HEAD, where
/// it is the length a GET would have sent), so the client always knows where the next one
/// starts. No `Date`: the guest has no reliable clock (RFC 9110 section 6.6.1).
enum HttpResponse {
    static func head(_ status: HttpStatus, contentType: StaticString, contentLength: Int, closing: Bool,
                     keepAliveFor10: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160)
        bytes.append("HTTP/1.1 ")
        bytes.appendDecimal(UInt64(status.rawValue))
        bytes.append(" ")
        bytes.append(status.reason)
        bytes.append("\r\nServer: swift-liveupdate\r\nContent-Type: ")
        bytes.append(contentType)
        bytes.append("\r\nContent-Length: ")
        bytes.appendDecimal(UInt64(contentLength))
        if status == .methodNotAllowed { bytes.append("\r\nAllow: GET, HEAD") }
        if closing {
            bytes.append("\r\nConnection: close")
        } else if keepAliveFor10 {
            bytes.append("\r\nConnection: keep-alive")   // HTTP/1.0 keeps the connection only when told
        }
        bytes.append("\r\n\r\n")
        return bytes
    }

    /// The body of an error: the status and why, for a person reading it.
    static func errorBody(_ status: HttpStatus, _ why: StaticString) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendDecimal(UInt64(status.rawValue))
        bytes.append(" ")
        bytes.append(status.reason)
        bytes.append(": ")
        bytes.append(why)
        bytes.append("\n")
        return bytes
    }
}

extension [UInt8] {
    mutating func append(_ text: StaticString) {
        append(contentsOf: UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func appendDecimal(_ value: UInt64) {
        var digits: [UInt8] = []
        var rest = value
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        append(contentsOf: digits.reversed())
    }
}

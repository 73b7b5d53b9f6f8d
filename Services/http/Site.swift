/// The site built into the image: Embedded Swift has no resources, so each file is a constant.
enum Site {
    struct File {
        let path: StaticString
        let contentType: StaticString
        let body: [UInt8]
    }

    /// The files by path; "/" is index.html.
    static let files: [File] = [
        File(path: "/", contentType: "text/html; charset=utf-8", body: bytes(indexHTML)),
        File(path: "/index.html", contentType: "text/html; charset=utf-8", body: bytes(indexHTML)),
        File(path: "/style.css", contentType: "text/css; charset=utf-8", body: bytes(styleCSS)),
        File(path: "/favicon.ico", contentType: "image/x-icon", body: favicon),
    ]

    /// Built at its first request (a global is initialised on first use), not at each image's
    /// start: the service serves nothing else while it is built.
    static let large = File(path: "/large.txt", contentType: "text/plain; charset=utf-8", body: largeText())

    static func file(at path: ArraySlice<UInt8>) -> File? {
        let matches = { (file: StaticString) in
            path.elementsEqual(UnsafeRawBufferPointer(start: file.utf8Start, count: file.utf8CodeUnitCount))
        }
        return matches("/large.txt") ? large : files.first { matches($0.path) }
    }

    private static func bytes(_ text: StaticString) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    static let indexHTML: StaticString = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>swift-liveupdate http</title>
        <link rel="stylesheet" href="/style.css">
        <link rel="icon" href="/favicon.ico">
        </head>
        <body>
        <h1>swift-liveupdate</h1>
        <p>This page comes from an Embedded Swift unikernel that replaces its whole image while it
        serves, keeping every open connection.</p>
        <p><a href="/status">/status</a> tells its version, its uptime across updates and the
        downtime of the last update.</p>
        </body>
        </html>

        """

    static let styleCSS: StaticString = """
        body { font-family: sans-serif; max-width: 40em; margin: 2em auto; color: #222; }
        h1 { color: #f08138; }
        a { color: #0b5fa5; }

        """

    /// A 16x16 icon (an ICO holding a PNG).
    static let favicon: [UInt8] = [
        0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x10, 0x10, 0x00, 0x00, 0x01, 0x00, 0x20, 0x00, 0x58, 0x00,
        0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00,
        0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x10, 0x08, 0x06,
        0x00, 0x00, 0x00, 0x1F, 0xF3, 0xFF, 0x61, 0x00, 0x00, 0x00, 0x1F, 0x49, 0x44, 0x41, 0x54, 0x78,
        0xDA, 0x63, 0x60, 0x18, 0x5E, 0xE0, 0x43, 0xA3, 0xC5, 0x7F, 0x62, 0xF0, 0x10, 0x31, 0x80, 0x14,
        0xB9, 0xE1, 0x6A, 0xC0, 0x10, 0x8D, 0xC6, 0xA1, 0x09, 0x00, 0x5C, 0x33, 0xDF, 0x21, 0xE5, 0x11,
        0xD9, 0xA5, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82
    ]

    /// 4 MiB of numbered 32-byte lines ("large.txt line 00000000 ~~~~~~~\n"): a response far
    /// larger than the send buffer, to show a half-sent response surviving an update.
    static let largeLineCount = 131_072

    private static func largeText() -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(largeLineCount * 32)
        let divisors = [10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1]
        for line in 0..<largeLineCount {
            text.append("large.txt line ")
            for divisor in divisors { text.append(UInt8(ascii: "0") + UInt8(line / divisor % 10)) }
            text.append(" ~~~~~~~\n")
        }
        return text
    }
}

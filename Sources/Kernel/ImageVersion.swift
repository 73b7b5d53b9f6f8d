/// The image's version label, printed by the services: 16 bytes (NUL-padded) after a 16-byte
/// marker. `liu build --version LABEL` writes a copy of the built image with the label
/// replaced, so two builds that differ only in their label need no second compilation.
enum ImageVersion {
    /// "LIU-IMAGE-LABEL:" then "1" (little-endian words); the host tool finds the marker.
    nonisolated(unsafe) private static var record: (UInt64, UInt64, UInt64, UInt64) =
        (0x4741_4D49_2D55_494C, 0x3A4C_4542_414C_2D45, 0x31, 0)

    static var label: String {
        withUnsafeBytes(of: &record) { bytes in
            let label = bytes[16...].prefix { $0 != 0 }
            return String(decoding: label, as: UTF8.self)
        }
    }

    /// Whether the label is `text`, compared as bytes.
    static func hasLabel(_ text: StaticString) -> Bool {
        withUnsafeBytes(of: &record) { bytes in
            bytes[16...].prefix { $0 != 0 }.elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
    }

    /// The label of another image (the known-good one, a pushed one): the 16 bytes after the
    /// marker; nil when it has none.
    static func label(in image: UnsafeRawBufferPointer) -> String? {
        withUnsafeBytes(of: &record) { own in
            let marker = own[0..<16]
            guard image.count >= 32 else { return nil }
            for offset in 0...(image.count - 32) where image[offset] == marker.first!
                && image[offset..<offset + 16].elementsEqual(marker) {
                return String(decoding: image[(offset + 16)..<(offset + 32)].prefix { $0 != 0 }, as: UTF8.self)
            }
            return nil
        }
    }
}

import Foundation

/// The version label inside a kernel image (Sources/Kernel/ImageVersion.swift): 16 bytes after
/// the marker `LIU-IMAGE-LABEL:`. Relabelling a built image gives a second build that differs
/// only in what it reports, e.g. for updates back and forth between two versions.
public enum ImageLabel {
    static let marker = Array("LIU-IMAGE-LABEL:".utf8)
    public static let capacity = 16

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The label `image` carries.
    public static func read(_ image: [UInt8]) throws(Failure) -> String {
        let offset = try labelOffset(image)
        return String(decoding: image[offset..<offset + capacity].prefix { $0 != 0 }, as: UTF8.self)
    }

    /// `image` with its label replaced by `label` (1 to 16 printable ASCII characters).
    public static func relabel(_ image: [UInt8], as label: String) throws(Failure) -> [UInt8] {
        let bytes = Array(label.utf8)
        guard (1...capacity).contains(bytes.count), bytes.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "/") }) else {
            throw Failure(description: "a version label is 1 to \(capacity) printable ASCII characters without spaces or '/' "
                + "(it names the image file): '\(label)'")
        }
        let offset = try labelOffset(image)
        var relabelled = image
        relabelled.replaceSubrange(offset..<offset + capacity, with: bytes + Array(repeating: 0, count: capacity - bytes.count))
        return relabelled
    }

    private static func labelOffset(_ image: [UInt8]) throws(Failure) -> Int {
        var found: [Int] = []
        var start = 0
        while let index = image[start...].firstRange(of: marker)?.lowerBound {
            found.append(index)
            start = index + 1
        }
        guard found.count == 1, found[0] + marker.count + capacity <= image.count else {
            throw Failure(description: found.isEmpty ? "no version label in the image"
                : "the image holds \(found.count) version label markers, expected one")
        }
        return found[0] + marker.count
    }
}

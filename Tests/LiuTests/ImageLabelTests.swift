import Liu
import Testing

@Suite("Image version labels")
struct ImageLabelTests {
    static let image = Array(repeating: UInt8(7), count: 100) + Array("LIU-IMAGE-LABEL:".utf8) + Array("1".utf8)
        + Array(repeating: 0, count: 15) + Array(repeating: 9, count: 50)

    @Test("a label is read, replaced in place and read back")
    func relabel() throws {
        #expect(try ImageLabel.read(Self.image) == "1")
        let relabelled = try ImageLabel.relabel(Self.image, as: "v2-beta")
        #expect(relabelled.count == Self.image.count)
        #expect(try ImageLabel.read(relabelled) == "v2-beta")
        #expect(relabelled[..<116] == Self.image[..<116])
        #expect(relabelled[132...] == Self.image[132...])
        #expect(try ImageLabel.read(ImageLabel.relabel(relabelled, as: "1")) == "1")
    }

    @Test("bad labels and images without exactly one marker are refused")
    func refusals() {
        #expect(throws: ImageLabel.Failure.self) { try ImageLabel.relabel(Self.image, as: "") }
        #expect(throws: ImageLabel.Failure.self) { try ImageLabel.relabel(Self.image, as: "seventeen-chars-x") }
        #expect(throws: ImageLabel.Failure.self) { try ImageLabel.relabel(Self.image, as: "two words") }
        #expect(throws: ImageLabel.Failure.self) { try ImageLabel.relabel(Self.image, as: "a/b") }
        #expect(throws: ImageLabel.Failure.self) { try ImageLabel.read(Array(Self.image[..<100])) }
        #expect(throws: ImageLabel.Failure.self) { try ImageLabel.read(Self.image + Self.image) }
        #expect(throws: ImageLabel.Failure.self) { try ImageLabel.read(Array(Self.image[..<120])) }
    }
}

import TestSupport
import Testing
import Net

@Suite struct ChecksumTests {
    @Test func rfc1071Example() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2; the checksum is its complement.
        let data: [UInt8] = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]
        #expect(data.withUnsafeBytes { InternetChecksum.of($0) } == 0x220D)
    }

    @Test func knownIPv4Header() {
        // A widely quoted sample header whose checksum field is b861.
        var header: [UInt8] = [0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
                               0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00, 0xC7]
        #expect(header.withUnsafeBytes { InternetChecksum.of($0) } == 0xB861)
        header[10] = 0xB8
        header[11] = 0x61
        #expect(header.withUnsafeBytes { InternetChecksum.of($0) } == 0)
    }

    @Test func matchesReferenceForAllLengthsAndSplits() {
        var random = SplitMix64(seed: 7)
        for length in 0 ..< 80 {
            let data = (0 ..< length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let whole = data.withUnsafeBytes { InternetChecksum.of($0) }
            #expect(whole == referenceChecksum(data), "length \(length)")
            let split = Int(random.below(UInt64(length + 1)))
            var pieces = InternetChecksum()
            data.withUnsafeBytes { raw in
                pieces.add(UnsafeRawBufferPointer(rebasing: raw[..<split]))
                pieces.add(UnsafeRawBufferPointer(rebasing: raw[split...]))
            }
            #expect(pieces.value == whole, "length \(length) split at \(split)")
        }
    }
}

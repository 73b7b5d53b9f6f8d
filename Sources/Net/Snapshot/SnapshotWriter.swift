/// Appends fields little-endian to a reusable byte buffer.
struct SnapshotWriter: FieldCoder {
    typealias Failure = Never
    let now: UInt64
    var bytes: [UInt8] = []

    var isReading: Bool { false }

    mutating func code<T: FixedWidthInteger>(_ value: inout T, in range: ClosedRange<T>) {
        append(min(max(value, range.lowerBound), range.upperBound))
    }

    mutating func code(deadline: inout UInt64?) {
        append(deadline.map { min($0 > now ? $0 - now : 0, SnapshotLimits.maximumDelay) } ?? .max)
    }

    mutating func code(_ ring: inout ByteRing) {
        append(UInt32(ring.count))
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: ring.count))
        bytes.withUnsafeMutableBytes { ring.copy(offset: 0, length: ring.count, into: $0.baseAddress! + start) }
    }

    mutating func code(_ bytes: inout [UInt8]) {
        append(UInt32(bytes.count))
        self.bytes += bytes
    }

    mutating func beginSection(version: UInt16) -> SectionMark {
        append(version)
        append(UInt32(0))
        return SectionMark(offset: bytes.count - 4)
    }

    mutating func endSection(_ mark: SectionMark) {
        let length = UInt32(bytes.count - mark.offset - 4).littleEndian
        withUnsafeBytes(of: length) { length in
            for index in 0 ..< 4 { bytes[mark.offset + index] = length[index] }
        }
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

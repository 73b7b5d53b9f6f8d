import LiveUpdate

/// A tiny ELF writer for tests: an executable with the given program headers, the segment
/// bytes laid out one after another behind the headers, and an optional section header
/// table (one null entry) at the end, like a linker's output.
struct ELFTestImage {
    struct Segment {
        var type: UInt32 = 1
        var flags: UInt32 = 5
        var address: UInt64
        /// The virtual address, when it is not `address` (the physical one).
        var virtualAddress: UInt64? = nil
        var data: [UInt8]
        var memorySize: UInt64

        /// A PT_NOTE whose bytes are `notes`.
        static func note(_ notes: [UInt8]) -> Segment {
            Segment(type: 4, flags: 4, address: 0, data: notes, memorySize: UInt64(notes.count))
        }

        static func load(at address: UInt64, bytes: Int, memory: UInt64? = nil, executable: Bool = true) -> Segment {
            Segment(flags: executable ? 5 : 6, address: address,
                    data: (0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) },
                    memorySize: memory ?? UInt64(bytes))
        }
    }

    var architecture: ImageArchitecture
    var entry: UInt64
    var segments: [Segment]
    var sectionHeaders = true

    var is64: Bool { architecture.elfClass == 2 }
    var headerSize: Int { is64 ? 64 : 52 }
    var programHeaderSize: Int { is64 ? 56 : 32 }
    var sectionHeaderSize: Int { is64 ? 64 : 40 }
    var programHeaderTableOffset: Int { headerSize }

    /// File offset of segment `index`'s bytes.
    func dataOffset(_ index: Int) -> Int {
        headerSize + segments.count * programHeaderSize + segments[..<index].reduce(0) { $0 + $1.data.count }
    }

    func programHeaderOffset(_ index: Int) -> Int { headerSize + index * programHeaderSize }

    var bytes: [UInt8] {
        let sectionTable = dataOffset(segments.count)
        var out = ByteWriter()
        out.bytes([0x7F, 0x45, 0x4C, 0x46, architecture.elfClass, 1, 1, 0] + [UInt8](repeating: 0, count: 8))
        out.u16(2)
        out.u16(architecture.machine)
        out.u32(1)
        out.word(entry, wide: is64)
        out.word(UInt64(headerSize), wide: is64)
        out.word(sectionHeaders ? UInt64(sectionTable) : 0, wide: is64)
        out.u32(0)
        out.u16(UInt16(headerSize))
        out.u16(UInt16(programHeaderSize))
        out.u16(UInt16(segments.count))
        out.u16(UInt16(sectionHeaderSize))
        out.u16(sectionHeaders ? 1 : 0)
        out.u16(0)
        for (index, segment) in segments.enumerated() {
            let offset = UInt64(dataOffset(index)), size = UInt64(segment.data.count)
            out.u32(segment.type)
            if is64 {
                out.u32(segment.flags)
                for value in [offset, segment.virtualAddress ?? segment.address, segment.address, size, segment.memorySize, 16] { out.u64(value) }
            } else {
                for value in [offset, segment.virtualAddress ?? segment.address, segment.address, size, segment.memorySize] { out.u32(UInt32(value)) }
                out.u32(segment.flags)
                out.u32(16)
            }
        }
        for segment in segments { out.bytes(segment.data) }
        if sectionHeaders { out.bytes([UInt8](repeating: 0, count: sectionHeaderSize)) }
        return out.data
    }
}

struct ByteWriter {
    var data: [UInt8] = []

    mutating func bytes(_ values: [UInt8]) { data += values }
    mutating func u16(_ value: UInt16) { little(UInt64(value), count: 2) }
    mutating func u32(_ value: UInt32) { little(UInt64(value), count: 4) }
    mutating func u64(_ value: UInt64) { little(value, count: 8) }
    mutating func word(_ value: UInt64, wide: Bool) { little(value, count: wide ? 8 : 4) }

    private mutating func little(_ value: UInt64, count: Int) {
        for shift in 0..<count { data.append(UInt8(truncatingIfNeeded: value >> (8 * shift))) }
    }
}

extension Array where Element == UInt8 {
    /// Overwrites `count` bytes at `offset` with `value`, little-endian.
    mutating func patch(_ value: UInt64, at offset: Int, count: Int) {
        for shift in 0..<count { self[offset + shift] = UInt8(truncatingIfNeeded: value >> (8 * shift)) }
    }
}

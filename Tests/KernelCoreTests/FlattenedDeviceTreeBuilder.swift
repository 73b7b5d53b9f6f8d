/// Builds FDT blobs (Devicetree Specification, version 17 layout) for the parser tests.
struct FlattenedDeviceTreeBuilder {
    private var structure: [UInt8] = []
    private var strings: [UInt8] = []
    private var stringOffsets: [String: Int] = [:]
    var reservations: [(base: UInt64, length: UInt64)] = []

    mutating func beginNode(_ name: String) {
        appendCell(1)
        structure += Array(name.utf8) + [0]
        pad()
    }

    mutating func endNode() {
        appendCell(2)
    }

    mutating func nop() {
        appendCell(4)
    }

    mutating func property(_ name: String, bytes: [UInt8]) {
        appendCell(3)
        appendCell(UInt32(bytes.count))
        appendCell(UInt32(stringOffset(name)))
        structure += bytes
        pad()
    }

    mutating func property(_ name: String, cells: [UInt32]) {
        property(name, bytes: cells.flatMap(Self.bigEndianBytes))
    }

    mutating func property(_ name: String, strings values: String...) {
        property(name, bytes: values.flatMap { Array($0.utf8) + [0] })
    }

    /// Raw access for corruption tests.
    mutating func appendCell(_ value: UInt32) {
        structure += Self.bigEndianBytes(value)
    }

    /// The blob: header, reservation block, structure block (ended by FDT_END), strings block.
    func build(version: UInt32 = 17, lastCompatibleVersion: UInt32 = 16) -> [UInt8] {
        var reservationBlock: [UInt8] = []
        for entry in reservations + [(0, 0)] {
            reservationBlock += Self.bigEndianBytes(entry.base) + Self.bigEndianBytes(entry.length)
        }
        let structureBlock = structure + Self.bigEndianBytes(UInt32(9))
        let reservationOffset = 40
        let structureOffset = reservationOffset + reservationBlock.count
        let stringsOffset = structureOffset + structureBlock.count
        let totalSize = stringsOffset + strings.count
        let header: [UInt32] = [
            0xD00D_FEED, UInt32(totalSize), UInt32(structureOffset), UInt32(stringsOffset),
            UInt32(reservationOffset), version, lastCompatibleVersion, 0,
            UInt32(strings.count), UInt32(structureBlock.count),
        ]
        return header.flatMap(Self.bigEndianBytes) + reservationBlock + structureBlock + strings
    }

    private mutating func stringOffset(_ name: String) -> Int {
        if let offset = stringOffsets[name] { return offset }
        let offset = strings.count
        strings += Array(name.utf8) + [0]
        stringOffsets[name] = offset
        return offset
    }

    private mutating func pad() {
        while structure.count % 4 != 0 { structure.append(0) }
    }

    static func bigEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }
}

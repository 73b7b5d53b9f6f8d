/// One token of the structure block, decoded with every offset checked against the block.
enum DeviceTreeToken {
    case beginNode(name: UnsafeRawBufferPointer)
    case endNode
    case property(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)
    case nop
    case end

    private static let beginNodeTag: UInt32 = 1
    private static let endNodeTag: UInt32 = 2
    private static let propertyTag: UInt32 = 3
    private static let nopTag: UInt32 = 4
    private static let endTag: UInt32 = 9

    /// Decodes the token at `offset` (relative to the structure block) and returns it with the
    /// offset of the token after it.
    static func read(
        at offset: Int, structure: UnsafeRawBufferPointer, strings: UnsafeRawBufferPointer
    ) -> (token: DeviceTreeToken, next: Int)? {
        guard let tag = structure.bigEndianUInt32(at: offset) else { return nil }
        let payload = offset + 4
        switch tag {
        case beginNodeTag:
            guard let name = structure.cString(at: payload) else { return nil }
            return (.beginNode(name: name), aligned(payload + name.count + 1))
        case endNodeTag:
            return (.endNode, payload)
        case propertyTag:
            guard let length = structure.bigEndianUInt32(at: payload),
                  let nameOffset = structure.bigEndianUInt32(at: payload + 4),
                  let valueLength = Int(exactly: length),
                  let value = structure.slice(at: payload + 8, length: valueLength),
                  let nameStart = Int(exactly: nameOffset),
                  let name = strings.cString(at: nameStart)
            else { return nil }
            return (.property(name: name, value: value), aligned(payload + 8 + valueLength))
        case nopTag:
            return (.nop, payload)
        case endTag:
            return (.end, payload)
        default:
            return nil
        }
    }

    private static func aligned(_ offset: Int) -> Int {
        (offset + 3) & ~3
    }
}

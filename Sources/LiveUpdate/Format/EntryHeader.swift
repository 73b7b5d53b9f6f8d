/// One entry header, read from a stored area and checked against the area's stored length.
struct EntryHeader {
    let offset: Int
    let type: EntryType
    let id: UInt16
    let lengthField: Int32
    /// Payload bytes (without padding); 0 for types that carry no payload.
    let payloadLength: Int

    var payloadOffset: Int { offset + StorageLayout.entryHeaderSize }
    var nextOffset: Int { payloadOffset + StorageLayout.padded(payloadLength) }

    /// The END entry that closes an area of `totalLength` bytes.
    static func end(ofAreaWithLength totalLength: Int) -> EntryHeader {
        EntryHeader(
            offset: totalLength - StorageLayout.entryHeaderSize, type: .end, id: 0, lengthField: 0,
            payloadLength: 0)
    }

    private init(offset: Int, type: EntryType, id: UInt16, lengthField: Int32, payloadLength: Int) {
        self.offset = offset
        self.type = type
        self.id = id
        self.lengthField = lengthField
        self.payloadLength = payloadLength
    }

    /// Reads the entry at `offset` (8-byte aligned) of an area whose entries end at `totalLength`
    /// (8-byte aligned). Throws if the header or its padded payload reaches past `totalLength`,
    /// or the length is invalid for the type.
    init(reading area: UnsafeRawPointer, at offset: Int, totalLength: Int) throws(StorageError) {
        guard offset <= totalLength - StorageLayout.entryHeaderSize else { throw .missingEnd }
        let header = area + offset
        type = EntryType(rawValue: header.loadLE(at: StorageLayout.entryTypeOffset, as: Int16.self))
        id = header.loadLE(at: StorageLayout.entryIDOffset, as: UInt16.self)
        lengthField = header.loadLE(at: StorageLayout.entryLengthOffset, as: Int32.self)
        self.offset = offset
        guard type.isKnown else { throw .unknownEntryType(offset: offset, raw: type.rawValue) }
        payloadLength = try Self.payloadLength(of: type, lengthField: lengthField, at: offset)
        // Both ends are 8-byte aligned, so a payload that fits also fits with its padding.
        guard payloadLength <= totalLength - offset - StorageLayout.entryHeaderSize else {
            throw .entryOutOfBounds(offset: offset)
        }
    }

    private static func payloadLength(
        of type: EntryType, lengthField: Int32, at offset: Int
    ) throws(StorageError) -> Int {
        let minimum: Int32
        switch type {
        case .int:
            return 0
        case .end, .marker:
            guard lengthField == 0 else { throw .badEntryLength(offset: offset, length: lengthField) }
            return 0
        case .int64:
            guard lengthField == 8 else { throw .badEntryLength(offset: offset, length: lengthField) }
            return 8
        case .vector:
            minimum = Int32(StorageLayout.vectorHeaderSize)
        case .stringVector:
            minimum = 4
        default:
            minimum = 0
        }
        guard lengthField >= minimum else { throw .badEntryLength(offset: offset, length: lengthField) }
        return Int(lengthField)
    }
}

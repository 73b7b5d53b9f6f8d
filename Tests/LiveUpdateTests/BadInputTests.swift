import LiveUpdate
import Testing

/// Corrupted areas: each must give its specific error, and (under the address sanitizer)
/// no access outside the area.
@Suite("Bad input")
struct BadInputTests {
    // Entry offsets of the reference area, per docs/storage-format.md.
    static let intOffset = 32, bufferOffset = 40, vectorOffset = 56, stringVectorOffset = 80
    static let stringOffset = 104, markerOffset = 120, int64Offset = 128, endOffset = 144
    static let totalLength = 152, storedSize = 160

    /// Reference area: one entry of each kind, stored in exactly `storedSize` bytes.
    static func reference() throws -> TestArea {
        let area = TestArea(size: storedSize)
        let stored = try area.store { s throws(StorageError) in
            try s.add(id: 1, 7)
            try s.add(id: 2, bytes: [1, 2, 3, 4, 5])
            try s.add(id: 3, [UInt16(1), 2, 3])
            try s.add(id: 4, ["ab", "c"])
            try s.add(id: 5, "hey")
            try s.putMarker(id: 6)
            try s.add(id: 7, Int64.max)
        }
        #expect(stored == storedSize)
        return area
    }

    /// The validation error after `edit`, with the checksum recomputed unless `reseal` is false.
    func error(reseal: Bool = true, _ edit: (TestArea) -> Void) throws -> StorageError? {
        let area = try Self.reference()
        edit(area)
        if reseal { area.reseal() }
        do throws(StorageError) {
            _ = try area.validate()
            return nil
        } catch {
            #expect(!LiveUpdate.isResumable(at: area.pointer, limit: area.size))
            #expect(throws: error) { try area.resume { _ throws(StorageError) in } }
            return error
        }
    }

    @Test("the reference area is valid")
    func referenceIsValid() throws {
        let info = try Self.reference().validate()
        #expect(info.storedSize == Self.storedSize && info.entryCount == 7)
    }

    @Test("wrong magic, version and header size")
    func header() throws {
        #expect(try error { $0.store(UInt32(0x1234_5678), at: 0) } == .badMagic(0x1234_5678))
        #expect(try error { $0.store(UInt16(2), at: 4) } == .unsupportedVersion(2))
        #expect(try error { $0.store(UInt16(40), at: 6) } == .badHeaderSize(40))
        #expect(try error { $0.pointer.initializeMemory(as: UInt8.self, repeating: 0, count: 32) } == .badMagic(0))
    }

    @Test("every single flipped bit is detected")
    func flippedBits() throws {
        for byte in 8..<Self.storedSize {
            for bit in 0..<8 {
                let found = try error(reseal: false) { area in
                    area.pointer.storeBytes(of: area.bytes[byte] ^ (1 << bit), toByteOffset: byte, as: UInt8.self)
                }
                switch (byte, found) {
                case (16..<24, .badTotalLength?), (16..<24, .canaryMismatch?), (16..<24, .checksumMismatch?):
                    break
                case (Self.totalLength..., .canaryMismatch?), (..<Self.totalLength, .checksumMismatch?):
                    break
                default:
                    Issue.record("byte \(byte) bit \(bit): \(String(describing: found))")
                }
            }
        }
    }

    @Test("a limit or allocation shorter than the stored area")
    func truncated() throws {
        let area = try Self.reference()
        #expect(throws: StorageError.badTotalLength(UInt64(Self.totalLength))) {
            try area.validate(limit: Self.storedSize - 1)
        }
        let short = TestArea(copying: area.bytes, size: Self.totalLength)
        #expect(throws: StorageError.badTotalLength(UInt64(Self.totalLength))) { try short.validate() }
        let tiny = TestArea(copying: area.bytes, size: 47)
        #expect(throws: StorageError.areaTooSmall(limit: 47)) { try tiny.validate() }
    }

    @Test("total length field: unaligned, too small, huge")
    func totalLengthField() throws {
        for bad: UInt64 in [UInt64(Self.totalLength - 4), 8, 39, UInt64.max, UInt64(Int64.max) + 8] {
            #expect(try error { $0.store(bad, at: 16) } == .badTotalLength(bad))
        }
    }

    @Test("entry lengths pointing past the end, negative or huge")
    func entryLengths() throws {
        let cases: [(entry: Int, length: Int32, expected: StorageError)] = [
            (Self.bufferOffset, 1000, .entryOutOfBounds(offset: Self.bufferOffset)),
            (Self.stringOffset, .max, .entryOutOfBounds(offset: Self.stringOffset)),
            (Self.bufferOffset, -1, .badEntryLength(offset: Self.bufferOffset, length: -1)),
            (Self.stringOffset, .min, .badEntryLength(offset: Self.stringOffset, length: .min)),
            (Self.int64Offset, 4, .badEntryLength(offset: Self.int64Offset, length: 4)),
            (Self.markerOffset, 8, .badEntryLength(offset: Self.markerOffset, length: 8)),
            (Self.vectorOffset, 3, .badEntryLength(offset: Self.vectorOffset, length: 3)),
        ]
        for (entry, length, expected) in cases {
            #expect(try error { $0.store(length, at: entry + 4) } == expected)
        }
        // A shorter buffer length shifts the walk onto payload bytes, which are not an entry.
        #expect(try error { $0.store(Int32(0), at: Self.bufferOffset + 4) } != nil)
    }

    @Test("missing END, bytes after END, wrong entry count, unknown types")
    func structure() throws {
        let int = Self.intOffset
        #expect(try error { $0.store(Int16(1), at: Self.endOffset) } == .missingEnd)
        #expect(try error { $0.store(Int16(0), at: int); $0.store(Int32(0), at: int + 4) } == .missingEnd)
        #expect(try error { $0.store(UInt32(99), at: 12) } == .entryCountMismatch(header: 99, found: 7))
        #expect(try error { $0.store(Int16(500), at: int) } == .unknownEntryType(offset: int, raw: 500))
        let string = Self.stringOffset
        #expect(try error { $0.store(Int16(-3), at: string) } == .unknownEntryType(offset: string, raw: -3))
    }

    @Test("vector and string-vector payloads whose inner counts disagree with their length")
    func compoundPayloads() throws {
        let vectorCount = Self.vectorOffset + 8, vectorSize = Self.vectorOffset + 12
        #expect(try error { $0.store(UInt32(4), at: vectorCount) } == .malformedPayload(offset: Self.vectorOffset))
        #expect(try error { $0.store(UInt32(0), at: vectorSize) } == .malformedPayload(offset: Self.vectorOffset))
        #expect(try error { $0.store(UInt32.max, at: vectorCount); $0.store(UInt32.max, at: vectorSize) } == .malformedPayload(offset: Self.vectorOffset))
        let stringCount = Self.stringVectorOffset + 8, firstLength = Self.stringVectorOffset + 12
        for count: UInt32 in [1, 3, UInt32.max] {
            #expect(try error { $0.store(count, at: stringCount) } == .malformedPayload(offset: Self.stringVectorOffset))
        }
        for length: UInt32 in [1, 3, 100, UInt32.max] {
            #expect(try error { $0.store(length, at: firstLength) } == .malformedPayload(offset: Self.stringVectorOffset))
        }
    }

    @Test("reads with the wrong type or size throw and leave the cursor usable")
    func readMismatches() throws {
        let area = try Self.reference()
        try area.resume { r throws(StorageError) in
            #expect(throws: StorageError.typeMismatch(expected: .string, found: .int)) { try r.asString() }
            #expect(throws: StorageError.typeMismatch(expected: .buffer, found: .int)) { try r.asBytes() }
            try r.next()
            #expect(throws: StorageError.sizeMismatch(expected: 4, found: 5)) { try r.as(UInt32.self) }
            #expect(throws: StorageError.typeMismatch(expected: .int, found: .buffer)) { try r.asInt() }
            try r.next()
            #expect(throws: StorageError.sizeMismatch(expected: 4, found: 2)) { try r.asArray(of: UInt32.self) }
            #expect(throws: StorageError.typeMismatch(expected: .stringVector, found: .vector)) { try r.asStrings() }
            #expect(try r.asArray(of: UInt16.self) == [1, 2, 3])
            r.cancel()
        }
    }

    @Test("invalid UTF-8 in a string entry")
    func invalidUTF8() throws {
        let area = try Self.reference()
        area.pointer.storeBytes(of: 0xFF, toByteOffset: Self.stringOffset + 8, as: UInt8.self)
        area.pointer.storeBytes(of: 0xC3, toByteOffset: Self.stringVectorOffset + 16, as: UInt8.self)
        area.reseal()
        try area.resume { r throws(StorageError) in
            try r.next(); try r.next(); try r.next()
            #expect(throws: StorageError.invalidUTF8) { try r.asStrings() }
            try r.next()
            #expect(throws: StorageError.invalidUTF8) { try r.asString() }
            r.cancel()
        }
    }
}

import LiveUpdate
import Testing

/// A trivial struct saved with `add(id:_:)` and read with `as(_:)`.
struct Endpoint: Equatable, BitwiseCopyable {
    var address: UInt32
    var port: UInt16
    var flags: UInt8
}

/// A user-defined entry type for the tests.
let sessionType = EntryType.userDefined(2000)!

@Suite("Round trips")
struct RoundTripTests {
    @Test("every entry type reads back what was stored")
    func everyType() throws {
        let area = TestArea(size: 4096)
        let endpoint = Endpoint(address: 0x0A00_0002, port: 8080, flags: 3)
        let stored = try area.store { storage throws(StorageError) in
            try storage.add(id: 1, 42)
            try storage.add(id: 2, "héllo, wörld ✓")
            try storage.add(id: 3, bytes: [1, 2, 3, 4, 5])
            try storage.add(id: 4, [UInt16(1), 500, 65535])
            try storage.add(id: 5, ["a", "", "ünïcode"])
            try storage.add(id: 6, endpoint)
            try storage.putMarker(id: 7)
            try storage.add(id: 8, type: sessionType, bytes: [9, 8, 7])
            try storage.add(id: 9, type: .tcp, bytes: [0xAB])
        }
        #expect(stored % 8 == 0)
        let info = try area.validate()
        #expect(info.storedSize == stored && info.entryCount == 9)

        try area.resume { r throws(StorageError) in
            #expect(r.type == .int && r.id == 1 && r.length == 42)
            #expect(try r.asInt() == 42)
            try r.next()
            #expect(r.type == .string && r.id == 2)
            #expect(try r.asString() == "héllo, wörld ✓")
            try r.next()
            #expect(r.type == .buffer && r.length == 5)
            #expect(try r.asBytes() == [1, 2, 3, 4, 5])
            try r.next()
            #expect(r.type == .vector)
            #expect(try r.asArray(of: UInt16.self) == [1, 500, 65535])
            try r.next()
            #expect(r.type == .stringVector)
            #expect(try r.asStrings() == ["a", "", "ünïcode"])
            try r.next()
            #expect(try r.as(Endpoint.self) == endpoint)
            try r.next()
            #expect(r.isMarker && r.id == 7)
            try r.next()
            #expect(r.type == sessionType && r.type.isUserDefined)
            #expect(try r.asBytes() == [9, 8, 7])
            try r.next()
            #expect(r.type == .tcp)
            #expect(try r.withBytes { Array($0) } == [0xAB])
            try r.next()
            #expect(r.isEnd == true)
        }
    }

    @Test("an entry filled in place reads back; one that does not fit throws and is not stored")
    func filledInPlace() throws {
        let area = TestArea(size: 160)
        var rooms: [Int] = []
        try area.store { storage throws(StorageError) in
            try storage.add(id: 3, type: .tcp) { room in
                rooms.append(room.count)
                for index in 0 ..< 5 { room[index] = UInt8(index + 1) }
                return 5
            }
            #expect(throws: StorageError.outOfSpace(payload: 100, available: 88)) {
                try storage.add(id: 4, type: sessionType) { room in
                    rooms.append(room.count)
                    return 100
                }
            }
            #expect(throws: StorageError.notAWritableType(.marker)) {
                try storage.add(id: 5, type: .marker) { _ in
                    rooms.append(-1)
                    return 0
                }
            }
            try storage.add(id: 6, type: .tcp) { room in
                room[0] = 0xEE
                return 1
            }
        }
        #expect(rooms == [104, 88])                     // 160 less the header, trailer and entry headers
        try area.resume { r throws(StorageError) in
            #expect(r.type == .tcp && r.id == 3)
            #expect(try r.asBytes() == [1, 2, 3, 4, 5])
            try r.next()
            #expect(r.type == .tcp && r.id == 6)
            #expect(try r.asBytes() == [0xEE])
            try r.next()
            #expect(r.isEnd == true)
        }
    }

    @Test("integers use INT when they fit in 32 bits and INT64 otherwise, on every value")
    func integers() throws {
        let values = [0, 1, -1, Int(Int32.max), Int(Int32.min), Int(Int32.max) + 1, Int(Int32.min) - 1, Int.max, Int.min]
        let area = TestArea(size: 1024)
        try area.store { storage throws(StorageError) in
            for (index, value) in values.enumerated() { try storage.add(id: UInt16(index), value) }
        }
        try area.resume { r throws(StorageError) in
            for value in values {
                #expect(r.type == (Int32(exactly: value) == nil ? .int64 : .int))
                #expect(try r.asInt() == value)
                #expect(try r.asInt64() == Int64(value))
                try r.next()
            }
            #expect(r.isEnd == true)
        }
    }

    @Test("empty values: empty string, buffer, vector and string vector")
    func emptyValues() throws {
        let area = TestArea(size: 512)
        try area.store { storage throws(StorageError) in
            try storage.add(id: 1, "")
            try storage.add(id: 2, bytes: [])
            try storage.add(id: 3, [UInt32]())
            try storage.add(id: 4, [String]())
        }
        try area.resume { r throws(StorageError) in
            #expect(try r.asString() == "")
            try r.next()
            #expect(try r.asBytes() == [])
            try r.next()
            #expect(try r.asArray(of: UInt32.self) == [])
            try r.next()
            #expect(try r.asStrings() == [])
            try r.next()
            #expect(r.isEnd == true)
        }
    }

    @Test("an empty state is header, END and canary, and resumes straight to END")
    func emptyState() throws {
        let area = TestArea(size: 256)
        let stored = try area.store { storage throws(StorageError) in
            #expect(storage.bytesUsed == 48)
        }
        #expect(stored == 48)
        let info = try area.validate()
        #expect(info.storedSize == 48 && info.entryCount == 0)
        var sawEnd = false
        try area.resume { r throws(StorageError) in sawEnd = r.isEnd }
        #expect(sawEnd)
    }

    @Test("layout: little-endian header fields, 8-byte aligned entries, zeroed padding")
    func layout() throws {
        let area = TestArea(size: 256)
        let stored = try area.store { storage throws(StorageError) in
            try storage.add(id: 0x0102, "abc")
            try storage.add(id: 3, -5)
            #expect(storage.bytesUsed == 72)
        }
        let b = area.bytes
        #expect(Array(b[0..<4]) == Array("LIUS".utf8))
        #expect(area.load(UInt16.self, at: 4) == 1)
        #expect(area.load(UInt16.self, at: 6) == 32)
        #expect(area.load(UInt32.self, at: 12) == 2)
        #expect(area.load(UInt64.self, at: 16) == UInt64(stored - 8))
        // STRING entry: type 4, id 0x0102, length 3, "abc", 5 zero bytes of padding.
        #expect(Array(b[32..<48]) == [4, 0, 2, 1, 3, 0, 0, 0, 0x61, 0x62, 0x63, 0, 0, 0, 0, 0])
        // INT entry: the value in the length field.
        #expect(Array(b[48..<56]) == [2, 0, 3, 0, 0xFB, 0xFF, 0xFF, 0xFF])
        // END, then the canary words 0x5A5AA5A5, 0xA5A55A5A.
        #expect(Array(b[56..<64]) == [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(area.load(UInt32.self, at: 64) == 0x5A5A_A5A5 && area.load(UInt32.self, at: 68) == 0xA5A5_5A5A)
        #expect(stored == 72)
    }

    @Test("a successful resume zeroes the stored bytes; a failed one leaves them")
    func zeroingAfterResume() throws {
        let area = TestArea(size: 256)
        let stored = try area.store { storage throws(StorageError) in try storage.add(id: 1, "state") }
        #expect(throws: StorageError.typeMismatch(expected: .int, found: .string)) {
            try area.resume { r throws(StorageError) in _ = try r.asInt() }
        }
        #expect(LiveUpdate.isResumable(at: area.pointer, limit: area.size))
        try area.resume { r throws(StorageError) in _ = try r.asString() }
        #expect(area.bytes[..<stored].allSatisfy { $0 == 0 })
        #expect(area.bytes[stored...].allSatisfy { $0 == 0xEE })
        #expect(!LiveUpdate.isResumable(at: area.pointer, limit: area.size))
    }

    @Test("cancel() skips the remaining entries")
    func cancel() throws {
        let area = TestArea(size: 256)
        try area.store { storage throws(StorageError) in
            for id in 0..<5 { try storage.add(id: UInt16(id), id) }
        }
        try area.resume { r throws(StorageError) in
            try r.next()
            r.cancel()
            #expect(r.isEnd == true)
            #expect(throws: StorageError.pastEnd) { try r.next() }
        }
    }
}

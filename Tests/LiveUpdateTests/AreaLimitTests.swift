import LiveUpdate
import Testing

@Suite("Area limit, heap and canary")
struct AreaLimitTests {
    /// Stores a 100-byte buffer (112 bytes of entry with padding): needs 32 + 112 + 16 bytes.
    func storeBuffer(_ area: TestArea, limit: Int? = nil, heap: Range<UInt>? = nil) throws(StorageError) -> Int {
        try area.store(limit: limit, heap: heap) { s throws(StorageError) in
            try s.add(id: 1, bytes: [UInt8](repeating: 7, count: 100))
        }
    }

    @Test("an entry that fits exactly is accepted; one byte less of limit is refused")
    func exactFit() throws {
        #expect(try storeBuffer(TestArea(size: 160)) == 160)
        #expect(throws: StorageError.outOfSpace(payload: 100, available: 96)) {
            try storeBuffer(TestArea(size: 159))
        }
    }

    @Test("a refused entry writes nothing past the limit and leaves the area not resumable")
    func limitIsRespected() throws {
        let fresh = TestArea(size: 400)
        #expect(throws: StorageError.self) { try storeBuffer(fresh, limit: 150) }
        #expect(fresh.bytes[150...].allSatisfy { $0 == 0xEE })
        let holdingState = TestArea(size: 400)
        _ = try storeBuffer(holdingState)
        #expect(holdingState.bytes[160...].allSatisfy { $0 == 0xEE })
        #expect(throws: StorageError.self) { try storeBuffer(holdingState, limit: 150) }
        #expect(throws: StorageError.badMagic(0)) { try holdingState.validate() }
    }

    @Test("entries already added stay until the one that does not fit")
    func partialThenFull() {
        let area = TestArea(size: 200)
        var added = 0
        #expect(throws: StorageError.self) {
            try area.store { s throws(StorageError) in
                for id in 0..<100 {
                    try s.add(id: UInt16(id), id)
                    added += 1
                }
            }
        }
        #expect(added == (200 - 32 - 16) / 8)
        #expect(!LiveUpdate.isResumable(at: area.pointer, limit: area.size))
    }

    @Test("the heap inside the area stops writes at its start")
    func heapInsideArea() throws {
        let area = TestArea(size: 1024)
        let heap = (area.address + 150)..<(area.address + 600)
        #expect(throws: StorageError.heapCollision(heapOffset: 150)) { try storeBuffer(area, heap: heap) }
        #expect(area.bytes[150...].allSatisfy { $0 == 0xEE })
        let later = (area.address + 160)..<(area.address + 600)
        #expect(try storeBuffer(area, heap: later) == 160)
        #expect(area.bytes[160...].allSatisfy { $0 == 0xEE })
    }

    @Test("an area starting inside the heap is refused before any write")
    func areaInsideHeap() {
        let area = TestArea(size: 512)
        let heap = (area.address - 64)..<(area.address + 8)
        #expect(throws: StorageError.areaOverlapsHeap) { try storeBuffer(area, heap: heap) }
        #expect(area.bytes.allSatisfy { $0 == 0xEE })
    }

    @Test("a heap range outside the area does not limit it")
    func heapElsewhere() throws {
        let area = TestArea(size: 512)
        let below = (area.address - 4096)..<area.address
        let above = (area.address + 512)..<(area.address + 8192)
        #expect(try storeBuffer(area, heap: below) == 160)
        #expect(try storeBuffer(area, heap: above) == 160)
    }

    @Test("limits below the minimum stored size are refused")
    func tinyArea() {
        #expect(throws: StorageError.areaTooSmall(limit: 47)) {
            try TestArea(size: 64).store(limit: 47) { _ throws(StorageError) in }
        }
        #expect(throws: StorageError.areaTooSmall(limit: -1)) {
            try TestArea(size: 64).store(limit: -1) { _ throws(StorageError) in }
        }
    }

    @Test("payloads longer than Int32.max are refused without touching memory")
    func hugePayload() {
        let area = TestArea(size: 256)
        let huge = UnsafeRawBufferPointer(start: area.pointer, count: Int(Int32.max) + 1)
        #expect(throws: StorageError.payloadTooLarge(Int(Int32.max) + 1)) {
            try area.store { s throws(StorageError) in try s.add(id: 1, bytes: huge) }
        }
    }

    @Test("only TCP and user-defined types can be written as opaque entries")
    func writableTypes() {
        let area = TestArea(size: 256)
        #expect(throws: StorageError.notAWritableType(.string)) {
            try area.store { s throws(StorageError) in
                try s.add(id: 1, type: .string, bytes: UnsafeRawBufferPointer(start: nil, count: 0))
            }
        }
        #expect(EntryType.userDefined(1023) == nil)
        #expect(EntryType.userDefined(Int16.max)?.isUserDefined == true)
    }

    @Test("a canary that does not read back aborts the store")
    func canaryFailure() throws {
        let area = TestArea(size: 256)
        let stuckBits: MemoryProbe = { _, value in value | 1 }
        #expect(throws: StorageError.canaryWriteFailed) {
            try area.store(probe: stuckBits) { s throws(StorageError) in try s.add(id: 1, 5) }
        }
        #expect(!LiveUpdate.isResumable(at: area.pointer, limit: area.size))
        // A probe that ignores writes (ROM that happens to hold the final pattern) fails too.
        let readOnly: MemoryProbe = { _, _ in 0x5A5A_A5A5 }
        #expect(throws: StorageError.canaryWriteFailed) {
            try area.store(probe: readOnly) { _ throws(StorageError) in }
        }
    }

    @Test("the default probe sees real RAM")
    func realRAM() throws {
        let area = TestArea(size: 256)
        #expect(try area.store { _ throws(StorageError) in } == 48)
    }
}

import LiveUpdate
import Testing

/// A kernel on trial resumes without zeroing, so that a rollback finds the state again, and
/// discards the area once it confirms.
@Suite("Resume keeping the area")
struct KeepUntilConfirmTests {
    @Test("resume(keeping:) leaves the area resumable until discard zeroes it")
    func keepThenDiscard() throws {
        let area = TestArea(size: 4096)
        try area.store { (storage: inout Storage) throws(StorageError) in try storage.add(id: 1, 42) }
        var first = 0
        try LiveUpdate.resume(at: area.pointer, limit: area.size, keeping: true) { (restore: inout Restore) throws(StorageError) in
            first = try restore.asInt()
        }
        #expect(first == 42)
        #expect(LiveUpdate.isResumable(at: area.pointer, limit: area.size))
        LiveUpdate.discard(at: area.pointer, limit: area.size)
        #expect(!LiveUpdate.isResumable(at: area.pointer, limit: area.size))
        #expect(area.bytes.prefix(TestArea.firstEntryOffset).allSatisfy { $0 == 0 }, "the header is zeroed")
    }

    @Test("discard leaves an area that does not validate untouched")
    func discardInvalid() {
        let area = TestArea(size: 256, filler: 0xAB)
        LiveUpdate.discard(at: area.pointer, limit: area.size)
        #expect(area.bytes.allSatisfy { $0 == 0xAB })
    }
}

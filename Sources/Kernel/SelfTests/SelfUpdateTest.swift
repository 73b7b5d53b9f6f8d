import KernelCore
import LiveUpdate

/// `test=self-update`: the cold kernel saves a counter, then hotswaps to the image it was
/// given as boot module (normally itself); the kernel that comes up by soft reset restores
/// the counter and passes. Both print their boot timelines for comparison.
///
/// With `selfupdate.damage-block=1` the block is damaged after writing: the new kernel must
/// refuse it and boot as from a loader (aarch64: a cold boot that finds the saved state
/// unclaimed and passes; x86: a clear panic).
enum SelfUpdateTest {
    static let counterID: UInt16 = 1
    static let savedCounter = 41

    static func run() -> Never {
        BootTimeline.print()
        if SoftResetBoot.happened { resume() }
        let damageBlock = BootArguments.integer(for: "selfupdate.damage-block") == 1
        if damageBlock && LiveUpdate.isResumable(at: StorageArea.pointer, limit: StorageArea.size) {
            SelfTest.pass("damaged soft-reset block refused, cold boot instead")
        }
        update(damageBlock: damageBlock)
    }

    private static func update(damageBlock: Bool) -> Never {
        let updateStart = Arch.counter()
        guard let module = Kernel.boot.firstModule, module.size > 0,
              let size = Int(exactly: module.size), let address = UInt(exactly: module.address),
              let source = UnsafeRawPointer(bitPattern: address)
        else { SelfTest.fail("no boot module: pass the new image with -initrd") }
        // The loader's copy may sit in the storage area: move it into the heap first.
        guard let copy = Memory.allocate(byteCount: size, alignment: 4096) else { SelfTest.fail("no room for the image") }
        copy.copyMemory(from: source, byteCount: size)
        Console.write("self-update: saving counter ")
        Console.writeDecimal(UInt64(savedCounter))
        Console.write(", image of ")
        Console.writeDecimal(UInt64(size))
        Console.write(" bytes, hotswapping\n")
        MemoryReport.print()
        do throws(Hotswap.Failure) {
            try Hotswap.update(to: UnsafeRawBufferPointer(start: copy, count: size), updateStart: updateStart) {
                (storage: inout Storage) throws(StorageError) in
                try storage.add(id: counterID, savedCounter)
            } alterBlock: { block in
                if damageBlock { block.storeBytes(of: block.load(fromByteOffset: 16, as: UInt8.self) ^ 1, toByteOffset: 16, as: UInt8.self) }
            }
        } catch {
            switch error {
            case .invalidImage: SelfTest.fail("the boot module is not a valid kernel image here")
            case .stateNotSaved: SelfTest.fail("saving state failed")
            case .blockNotWritten: SelfTest.fail("the soft-reset block could not be written")
            case .stubTooLarge: SelfTest.fail("the hotswap stub does not fit its window")
            case .tooLargeForRollbackSlot: SelfTest.fail("the image does not fit the rollback slot")
            }
        }
    }

    private static func resume() -> Never {
        var restored = 0
        do throws(StorageError) {
            try LiveUpdate.resume(at: StorageArea.pointer, limit: StorageArea.size) { (restore: inout Restore) throws(StorageError) in
                guard restore.id == counterID else { throw .markerNotFound }
                restored = try restore.asInt()
            }
        } catch { SelfTest.fail("no state to resume after the soft reset") }
        UpdateDowntime.stateRestored()
        UpdateDowntime.serviceResumed()
        UpdateDowntime.last?.print()
        Console.write("self-update: counter restored: ")
        Console.writeDecimal(UInt64(restored))
        Console.write(", now ")
        Console.writeDecimal(UInt64(restored + 1))
        Console.newline()
        guard restored == savedCounter else { SelfTest.fail("restored counter differs") }
        SelfTest.pass("self-update")
    }
}

import LiveUpdate

/// The storage format inside the kernel: the same round trip the host tests run, in the
/// real storage area, plus the host benchmark's code timed by the kernel clock.
enum StorageSelfTest {
    struct Sample: BitwiseCopyable, Equatable {
        var counter: UInt64
        var flags: UInt32
        var version: UInt16
    }

    static func roundTrip() -> Never {
        let sample = Sample(counter: 0x1122_3344_5566_7788, flags: 0xCAFE_F00D, version: 7)
        let bytes: [UInt8] = [0, 1, 2, 254, 255]
        let words: [UInt32] = [1, 0xFFFF_FFFF, 42]
        let strings = ["alpha", "", "γάμμα"]
        do throws(StorageError) {
            let written = try LiveUpdate.store(at: StorageArea.pointer, limit: StorageArea.size,
                                               heap: StorageArea.heapRange) { (storage: inout Storage) throws(StorageError) in
                try storage.add(id: 1, Int.max)
                try storage.add(id: 2, -5)
                try storage.add(id: 3, "live update")
                try storage.add(id: 4, bytes: bytes)
                try storage.add(id: 5, words)
                try storage.add(id: 6, strings)
                try storage.putMarker(id: 7)
                try storage.add(id: 8, sample)
            }
            Console.write("storage: stored ")
            Console.writeDecimal(UInt64(written))
            Console.write(" bytes at ")
            Console.writeHex(UInt64(StorageArea.start), digits: 8)
            Console.newline()
            guard LiveUpdate.isResumable(at: StorageArea.pointer, limit: StorageArea.size) else {
                SelfTest.fail("stored area does not validate")
            }
            var matches = true
            try LiveUpdate.resume(at: StorageArea.pointer, limit: StorageArea.size) { (restore: inout Restore) throws(StorageError) in
                let maximum = try restore.asInt(); try restore.next()
                let negative = try restore.asInt(); try restore.next()
                let text = try restore.asString(); try restore.next()
                let restoredBytes = try restore.asBytes(); try restore.next()
                let restoredWords = try restore.asArray(of: UInt32.self); try restore.next()
                let restoredStrings = try restore.asStrings(); try restore.next()
                try restore.popMarker(id: 7)
                let restoredSample = try restore.as(Sample.self); try restore.next()
                matches = maximum == Int.max && negative == -5 && text.utf8.elementsEqual("live update".utf8)
                    && restoredBytes == bytes && restoredWords == words && restoredStrings.map { Array($0.utf8) } == strings.map { Array($0.utf8) }
                    && restoredSample == sample && restore.isEnd
            }
            guard matches else { SelfTest.fail("restored state differs") }
            guard !LiveUpdate.isResumable(at: StorageArea.pointer, limit: StorageArea.size) else {
                SelfTest.fail("area still resumable after resume")
            }
        } catch {
            SelfTest.fail("storage error")
        }
        tooSmallAreaFailsCleanly()
        crcEnginesAgree()
        SelfTest.pass("storage round trip")
    }

    /// The CPU's CRC32C routine (its rounds, its tails, any alignment) against the table-driven
    /// one: the host tests can run only the host's.
    private static func crcEnginesAgree() {
        guard CRC32C.checksum(Array("123456789".utf8), engine: .software) == 0xE306_9283 else {
            SelfTest.fail("CRC32C check value differs")
        }
        var pattern = [UInt8](repeating: 0, count: 13_000)
        for index in pattern.indices { pattern[index] = UInt8(truncatingIfNeeded: index &* 131 &+ index >> 7) }
        pattern.withUnsafeBytes { all in
            for (start, count) in [(0, 0), (1, 7), (3, 64), (0, 200), (5, 12_288), (8, 12_900)] {
                let slice = UnsafeRawBufferPointer(rebasing: all[start ..< start + count])
                guard CRC32C.checksum(slice, engine: .hardware) == CRC32C.checksum(slice, engine: .software) else {
                    SelfTest.fail("CRC32C engines differ")
                }
            }
        }
        Console.write(CRC32C.hasHardwareSupport ? "storage: CRC32C instructions agree with the table\n"
                                                 : "storage: CRC32C by table (no instructions)\n")
    }

    /// A save that does not fit fails with an error; the kernel goes on.
    private static func tooSmallAreaFailsCleanly() {
        do throws(StorageError) {
            try LiveUpdate.store(at: StorageArea.pointer, limit: 256, heap: StorageArea.heapRange) { (storage: inout Storage) throws(StorageError) in
                try storage.add(id: 1, bytes: [UInt8](repeating: 7, count: 4096))
            }
            SelfTest.fail("an oversized save did not fail")
        } catch {
            Console.write("storage: oversized save refused as expected\n")
        }
    }

    /// Runs with interrupts off and prints only at the end, so that neither timer interrupts
    /// nor console exits to the hypervisor land inside a measurement.
    static func benchmark() -> Never {
        Arch.disableInterrupts()
        var lines: [String] = []
        StorageBenchmark.run(now: Clock.now) { lines.append($0) }
        for line in lines {
            Console.write("storage benchmark: ")
            Console.write(line)
            Console.newline()
        }
        SelfTest.pass("storage benchmark")
    }
}

import LiveUpdate
import Testing

@Suite("Soft-reset block")
struct SoftResetBlockTests {
    static let sample = SoftResetBlock(
        memoryStart: 0x13_0000, memoryEnd: 0x0FFE_0000, counterHz: 2_400_000_000, timerHz: 1_000_000_000,
        storageAddress: 0x0F00_0000, storageSize: 0xFE_0000, updateStartCounter: 0x1234_5678_9ABC, updateCounterHz: 2_400_000_000)

    /// A block-sized buffer holding `sample` written with `commandLine`.
    final class Buffer {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: SoftResetBlock.size, alignment: 8)
        deinit { pointer.deallocate() }

        init(_ block: SoftResetBlock = SoftResetBlockTests.sample, commandLine: [UInt8] = Array("test=self-update".utf8),
             record: UpdateRecord = UpdateRecord()) throws {
            try commandLine.withUnsafeBytes { bytes in try block.write(to: pointer, commandLine: bytes, record: record) }
        }

        func read() throws(SoftResetError) -> SoftResetBlock { try SoftResetBlock(validating: pointer) }

        func refusal() -> SoftResetError? {
            do throws(SoftResetError) { _ = try read(); return nil } catch { return error }
        }

        func patch(_ value: UInt64, at offset: Int, count: Int) {
            for shift in 0..<count { pointer.storeBytes(of: UInt8(truncatingIfNeeded: value >> (8 * shift)), toByteOffset: offset + shift, as: UInt8.self) }
        }

        /// Recomputes the checksum (over the block with its checksum field zero) after a patch.
        func reseal() {
            patch(0, at: 8, count: 4)
            let crc = CRC32C.checksum(UnsafeRawBufferPointer(start: pointer, count: SoftResetBlock.size))
            patch(UInt64(crc), at: 8, count: 4)
        }
    }

    @Test("round trip keeps every field and the command line")
    func roundTrip() throws {
        var block = Self.sample
        block.rollbackRegion = 0x2000_0000
        block.rollbackAddress = 0x2008_0000
        block.rollbackSize = 0x1_0000
        block.rollbackCapacity = 0x10_0000
        block.candidateSize = 0x2_0000
        block.stopCounter = 0x1234_5678_9B00
        block.savedCounter = 0x1234_5678_9C00
        block.handoverCounter = 0x1234_5678_9D00
        block.confirmWithin = 2_000_000_000
        block.purpose = .rollback
        block.attempt = 3
        let buffer = try Buffer(block)
        #expect(try buffer.read() == block)
        #expect(Array(SoftResetBlock.commandLine(in: buffer.pointer)) == Array("test=self-update".utf8))
        #expect(buffer.pointer.load(as: UInt32.self).littleEndian == SoftResetBlock.magic)
    }

    @Test("fields sit at the documented little-endian offsets")
    func layout() throws {
        let buffer = try Buffer()
        let word = { (offset: Int) in UInt64(littleEndian: buffer.pointer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        #expect(word(16) == Self.sample.memoryStart)
        #expect(word(24) == Self.sample.memoryEnd)
        #expect(word(32) == Self.sample.counterHz)
        #expect(word(48) == Self.sample.storageAddress)
        #expect(word(80) == Self.sample.updateStartCounter)
        #expect(word(88) == Self.sample.updateCounterHz)
        #expect(buffer.pointer.load(fromByteOffset: 256, as: UInt8.self) == UInt8(ascii: "t"))
        #expect(SoftResetBlock.size == 1448)
        var trial = Self.sample
        trial.platform.console = 0x0900_0000
        trial.platform.interruptDistributor = 0x0800_0000
        trial.platform.interruptCPUInterface = 0x0801_0000
        trial.platform.networkSlot = 0x0a00_3e00
        trial.platform.networkInterrupt = 79
        trial.handoverCounter = 0xABCD
        trial.confirmWithin = 5_000_000_000
        trial.purpose = .rollback
        trial.attempt = 2
        let trialBuffer = try Buffer(trial)
        let trialWord = { (offset: Int) in UInt64(littleEndian: trialBuffer.pointer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        #expect(trialWord(112) == 0xABCD)
        #expect(trialWord(120) == 5_000_000_000)
        #expect(trialWord(128) == 1 | 2 << 32)
        #expect([1408, 1416, 1424, 1432].map(trialWord) == [0x0900_0000, 0x0800_0000, 0x0801_0000, 0x0a00_3e00])
        #expect(trialWord(1440) == 79)
        #expect(try trialBuffer.read() == trial, "the platform devices round-trip")
        #expect(try Buffer().read().platform.isEmpty)
    }

    @Test("an empty and a full-capacity command line round-trip")
    func commandLineLimits() throws {
        let empty = try Buffer(commandLine: [])
        #expect(try empty.read() == Self.sample)
        #expect(SoftResetBlock.commandLine(in: empty.pointer).isEmpty)
        let full = [UInt8](repeating: 0x61, count: SoftResetBlock.commandLineCapacity)
        let fullBuffer = try Buffer(commandLine: full)
        #expect(try fullBuffer.read() == Self.sample)
        #expect(Array(SoftResetBlock.commandLine(in: fullBuffer.pointer)) == full)
    }

    @Test("a command line over capacity is refused when writing")
    func commandLineTooLong() {
        let long = [UInt8](repeating: 0x61, count: SoftResetBlock.commandLineCapacity + 1)
        #expect(throws: SoftResetError.commandLineTooLong(long.count)) { try Buffer(commandLine: long) }
    }

    @Test("bad magic")
    func badMagic() throws {
        let buffer = try Buffer()
        buffer.patch(0x2BAD_B002, at: 0, count: 4)
        #expect(buffer.refusal() == .badMagic(0x2BAD_B002))
    }

    @Test("unknown version")
    func badVersion() throws {
        let buffer = try Buffer()
        buffer.patch(2, at: 4, count: 2)
        #expect(buffer.refusal() == .unsupportedVersion(2), "a version 2 block (without the update record) is refused")
    }

    @Test("a version 3 block, written before the platform devices, is read with none")
    func version3() throws {
        var block = Self.sample
        block.platform.console = 0x0900_0000
        let buffer = try Buffer(block)
        buffer.patch(3, at: 4, count: 2)
        buffer.patch(1408, at: 6, count: 2)
        buffer.patch(0, at: 8, count: 4)
        buffer.patch(UInt64(CRC32C.checksum(UnsafeRawBufferPointer(start: buffer.pointer, count: 1408))), at: 8, count: 4)
        #expect(try buffer.read() == Self.sample)
        buffer.patch(1448, at: 6, count: 2)
        #expect(buffer.refusal() == .badSize(1448), "version 3 is 1408 bytes")
    }

    @Test("wrong size")
    func badSize() throws {
        let buffer = try Buffer()
        buffer.patch(128, at: 6, count: 2)
        #expect(buffer.refusal() == .badSize(128))
    }

    @Test("any flipped bit after the header fails the checksum", arguments: [9, 12, 16, 40, 95, 100, 127, 128, 1151])
    func checksum(_ offset: Int) throws {
        let buffer = try Buffer()
        let byte = buffer.pointer.load(fromByteOffset: offset, as: UInt8.self)
        buffer.pointer.storeBytes(of: byte ^ 0x10, toByteOffset: offset, as: UInt8.self)
        guard case .checksumMismatch = buffer.refusal() else {
            Issue.record("offset \(offset): \(String(describing: buffer.refusal()))")
            return
        }
    }

    /// A block with a correct checksum but values no kernel can run with.
    @Test("empty memory range or zero frequency")
    func implausible() throws {
        var emptyMemory = Self.sample
        emptyMemory.memoryEnd = emptyMemory.memoryStart
        #expect(try Buffer(emptyMemory).refusal() == .implausibleValues)
        var noCounter = Self.sample
        noCounter.counterHz = 0
        #expect(try Buffer(noCounter).refusal() == .implausibleValues)
        var oversizedRollback = Self.sample
        oversizedRollback.rollbackSize = 2
        oversizedRollback.rollbackCapacity = 2
        #expect(try Buffer(oversizedRollback).refusal() == .implausibleValues)
    }

    @Test("an oversized command-line length with a valid checksum is refused")
    func storedLengthTooLong() throws {
        let buffer = try Buffer()
        buffer.patch(2000, at: 12, count: 4)
        buffer.reseal()
        #expect(buffer.refusal() == .commandLineTooLong(2000))
    }

    @Test("an unknown purpose with a valid checksum is refused")
    func unknownPurpose() throws {
        let buffer = try Buffer()
        buffer.patch(7, at: 128, count: 4)
        buffer.reseal()
        #expect(buffer.refusal() == .implausibleValues)
    }
}

@Suite("Hotswap descriptors")
struct HotswapDescriptorTests {
    @Test("header and one entry per segment, sources made absolute")
    func layout() throws {
        let image = ELFValidationTests.sample()
        let validated = try ELFValidationTests.validate(image.bytes)
        let count = HotswapDescriptors.byteCount(segments: validated.segments.count)
        let list = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 8)
        defer { list.deallocate() }
        HotswapDescriptors.write(validated, entry: 0x10_0020, imageAddress: 0x800_0000, block: 0x7000, to: list)
        let word = { (index: Int) in list.load(fromByteOffset: index * 8, as: UInt64.self).littleEndian }
        #expect(count == 96)
        #expect([word(0), word(1), word(2), word(3)] == [2, 0x10_0020, UInt64(SoftResetBlock.registerMagic), 0x7000])
        #expect([word(4), word(5), word(6), word(7)] == [0x10_0000, 0x800_0000 + UInt64(image.dataOffset(0)), 256, 256])
        #expect([word(8), word(9), word(10), word(11)] == [0x10_1000, 0x800_0000 + UInt64(image.dataOffset(1)), 64, 0x1000])
    }
}

@Suite("Soft-reset block checksum")
struct SoftResetChecksumTests {
    /// The stored checksum is CRC32C of the block with its checksum field zero, the same
    /// value the table-driven engines give (the block's own CRC runs without tables).
    @Test("stored checksum equals CRC32C.checksum of the block", arguments: [0, 5, 1024])
    func matchesCRC32C(_ commandLineLength: Int) throws {
        let buffer = try SoftResetBlockTests.Buffer(commandLine: [UInt8](repeating: 0x5A, count: commandLineLength))
        let stored = buffer.pointer.load(fromByteOffset: 8, as: UInt32.self).littleEndian
        buffer.patch(0, at: 8, count: 4)
        for engine in [CRC32C.Engine.software, .hardware] {
            #expect(CRC32C.checksum(UnsafeRawBufferPointer(start: buffer.pointer, count: SoftResetBlock.size), engine: engine) == stored)
        }
    }
}

@Suite("NIC handover in the soft-reset block")
struct NICHandoverTests {
    @Test("a handed-over device and the device memory region round-trip at their offsets")
    func roundTrip() throws {
        var block = SoftResetBlockTests.sample
        block.deviceMemoryAddress = 0x0E00_0000
        block.deviceMemorySize = 0x20_0000
        let receive = NICHandover.Queue(ringAddress: 0x0E00_0000, bufferAddress: 0x0E00_4000, bufferSize: 2048, size: 256,
                                        availableIndex: 0x1234, usedIndex: 0x1134, freeHead: 0, freeCount: 0)
        let transmit = NICHandover.Queue(ringAddress: 0x0E08_4000, bufferAddress: 0x0E08_8000, bufferSize: 2048, size: 256,
                                         availableIndex: 7, usedIndex: 5, freeHead: 9, freeCount: 254)
        block.nic = NICHandover(locator: 0xC000, mac: 0x5254_0012_3456, headerSize: 10, receive: receive, transmit: transmit)
        let buffer = try SoftResetBlockTests.Buffer(block)
        #expect(try buffer.read() == block)
        let word = { (offset: Int) in UInt64(littleEndian: buffer.pointer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        #expect(word(144) == 0x0E00_0000 && word(152) == 0x20_0000)
        #expect(word(160) == 0xC000)
        #expect(word(168) == 0x0A00_5254_0012_3456)
        #expect(word(176) == 0x0E00_0000 && word(208) == 0x0E08_4000)
        // Buffer size, queue size and avail.idx of the receive queue share the word at 192.
        #expect(word(192) == 0x1234_0100_0000_0800)
    }

    @Test("without a device the record is absent")
    func absent() throws {
        #expect(try SoftResetBlockTests.Buffer().read().nic == nil)
    }
}

extension SoftResetBlockTests {

    @Test("the update record travels in the block, covered by its checksum")
    func updateRecord() throws {
        var record = UpdateRecord()
        record.uptimeBefore = 123_456_789_000
        record.updates = 7
        record.outcome = .rolledBack
        record.label = Array("fail-resume".utf8)
        record.reason = Array("the service could not resume its state".utf8)
        let buffer = try Buffer(record: record)
        #expect(try buffer.read() == Self.sample)
        #expect(SoftResetBlock.record(in: buffer.pointer) == record)
        let withoutRecord = try Buffer()
        #expect(SoftResetBlock.record(in: withoutRecord.pointer) == UpdateRecord())
        buffer.patch(8, at: 1280 + 8, count: 4)
        #expect(buffer.refusal() != nil, "a changed record must fail the checksum")
        buffer.reseal()
        #expect(SoftResetBlock.record(in: buffer.pointer).updates == 8)
    }

    @Test("an update record cuts what does not fit and reads unknown outcomes as none")
    func updateRecordLimits() {
        var record = UpdateRecord()
        record.label = Array(repeating: 0x41, count: 40)
        record.reason = Array(repeating: 0x42, count: 400)
        let area = UnsafeMutableRawPointer.allocate(byteCount: UpdateRecord.size, alignment: 8)
        defer { area.deallocate() }
        record.write(to: area)
        let read = UpdateRecord(reading: area)
        #expect(read.label.count == UpdateRecord.labelCapacity && read.reason.count == UpdateRecord.reasonCapacity)
        area.storeBytes(of: UInt32(99).littleEndian, toByteOffset: 12, as: UInt32.self)
        area.storeBytes(of: UInt32(5000).littleEndian, toByteOffset: 32, as: UInt32.self)
        #expect(UpdateRecord(reading: area).outcome == .none)
        #expect(UpdateRecord(reading: area).reason.count == UpdateRecord.reasonCapacity)
    }
}

import KernelCore
import Testing

@Suite struct MultibootInfoTests {
    static let info: UInt64 = 0x10_1000
    static let commandLine: UInt64 = 0x10_2000
    static let memoryMap: UInt64 = 0x10_3000

    /// A structure with mem bounds, a command line and a memory map of `entries`.
    static func makeBuffer(entries: [(base: UInt64, length: UInt64, type: UInt32)]) -> PhysicalBuffer {
        let buffer = PhysicalBuffer()
        buffer.write(UInt32(1 << 0 | 1 << 2 | 1 << 6), at: info)
        buffer.write(UInt32(639), at: info + 4)
        buffer.write(UInt32(130_048), at: info + 8)
        buffer.write(UInt32(commandLine), at: info + 16)
        buffer.write(UInt32(entries.count * 24), at: info + 44)
        buffer.write(UInt32(memoryMap), at: info + 48)
        buffer.write("kernel.bin heap=32M", at: commandLine)
        for (index, entry) in entries.enumerated() {
            let address = memoryMap + UInt64(index * 24)
            buffer.write(UInt32(20), at: address)
            buffer.write(entry.base, at: address + 4)
            buffer.write(entry.length, at: address + 12)
            buffer.write(entry.type, at: address + 20)
        }
        return buffer
    }

    static let qemuLikeMap: [(base: UInt64, length: UInt64, type: UInt32)] = [
        (0, 0x9_FC00, 1), (0x9_FC00, 0x400, 2), (0xF_0000, 0x1_0000, 2),
        (0x10_0000, 0x7EE_0000, 1), (0x7FE_0000, 0x2_0000, 2), (0xFFFC_0000, 0x4_0000, 2),
    ]

    @Test func readsMemoryMapAndCommandLine() throws {
        let buffer = Self.makeBuffer(entries: Self.qemuLikeMap)
        let info = try MultibootInfo(address: Self.info, memory: buffer.memory)
        #expect(info.lowerMemoryKiB == 639)
        #expect(info.upperMemoryKiB == 130_048)
        #expect(info.commandLine?.text == "kernel.bin heap=32M")
        let regions = info.regions
        #expect(regions.count == 6)
        #expect(regions[3] == MemoryRegion(base: 0x10_0000, length: 0x7EE_0000, kind: .usable))
        #expect(regions[1].kind == .reserved)
    }

    @Test func fallsBackToMemoryBounds() throws {
        let buffer = Self.makeBuffer(entries: [])
        buffer.write(UInt32(1 << 0), at: Self.info)
        let info = try MultibootInfo(address: Self.info, memory: buffer.memory)
        #expect(info.commandLine == nil)
        #expect(info.regions == [
            MemoryRegion(base: 0, length: 639 * 1024, kind: .usable),
            MemoryRegion(base: 1 << 20, length: 130_048 * 1024, kind: .usable),
        ])
    }

    @Test func skipsExtraEntryBytes() throws {
        // An entry's size may exceed 20; the next entry starts size + 4 bytes later.
        let buffer = PhysicalBuffer()
        buffer.write(UInt32(1 << 6), at: Self.info)
        buffer.write(UInt32(28 + 24), at: Self.info + 44)
        buffer.write(UInt32(Self.memoryMap), at: Self.info + 48)
        buffer.write(UInt32(24), at: Self.memoryMap)
        buffer.write(UInt64(0x1000), at: Self.memoryMap + 4)
        buffer.write(UInt64(0x2000), at: Self.memoryMap + 12)
        buffer.write(UInt32(3), at: Self.memoryMap + 20)
        buffer.write(UInt32(20), at: Self.memoryMap + 28)
        buffer.write(UInt64(0x5000), at: Self.memoryMap + 32)
        buffer.write(UInt64(0x100), at: Self.memoryMap + 40)
        buffer.write(UInt32(4), at: Self.memoryMap + 48)
        let info = try MultibootInfo(address: Self.info, memory: buffer.memory)
        #expect(info.regions == [
            MemoryRegion(base: 0x1000, length: 0x2000, kind: .acpiReclaimable),
            MemoryRegion(base: 0x5000, length: 0x100, kind: .acpiNVS),
        ])
    }

    @Test func rejectsBadStructures() {
        let memory = Self.makeBuffer(entries: Self.qemuLikeMap)
        #expect(throws: BootInfoError.outOfBounds) { try MultibootInfo(address: 0x1000, memory: memory.memory) }
        #expect(throws: BootInfoError.outOfBounds) {
            try MultibootInfo(address: memory.physicalStart + UInt64(memory.size) - 20, memory: memory.memory)
        }

        let mapOutside = Self.makeBuffer(entries: Self.qemuLikeMap)
        mapOutside.write(UInt32(0x7FFF_0000), at: Self.info + 44)
        #expect(throws: BootInfoError.outOfBounds) { try MultibootInfo(address: Self.info, memory: mapOutside.memory) }

        let shortEntry = Self.makeBuffer(entries: Self.qemuLikeMap)
        shortEntry.write(UInt32(12), at: Self.memoryMap + 24)
        #expect(throws: BootInfoError.malformedMemoryMap) {
            try MultibootInfo(address: Self.info, memory: shortEntry.memory)
        }

        let ragged = Self.makeBuffer(entries: Self.qemuLikeMap)
        ragged.write(UInt32(6 * 24 - 2), at: Self.info + 44)
        #expect(throws: BootInfoError.malformedMemoryMap) { try MultibootInfo(address: Self.info, memory: ragged.memory) }

        let tooMany = Self.makeBuffer(entries: Array(repeating: (0, 0x1000, 1), count: 600))
        #expect(throws: BootInfoError.tooManyEntries) { try MultibootInfo(address: Self.info, memory: tooMany.memory) }

        let commandLineOutside = Self.makeBuffer(entries: [])
        commandLineOutside.write(UInt32(0x10), at: Self.info + 16)
        #expect(throws: BootInfoError.outOfBounds) {
            try MultibootInfo(address: Self.info, memory: commandLineOutside.memory)
        }
    }

    @Test func rejectsUnterminatedCommandLine() {
        let buffer = Self.makeBuffer(entries: [])
        buffer.write(String(repeating: "x", count: 5000), at: Self.commandLine)
        #expect(throws: BootInfoError.unterminatedString) { try MultibootInfo(address: Self.info, memory: buffer.memory) }

        let atEnd = Self.makeBuffer(entries: [])
        let last = atEnd.physicalStart + UInt64(atEnd.size) - 3
        atEnd.write(UInt32(last), at: Self.info + 16)
        atEnd.write(UInt16(0x4141), at: last)
        atEnd.write(UInt8(0x41), at: last + 2)
        #expect(throws: BootInfoError.outOfBounds) { try MultibootInfo(address: Self.info, memory: atEnd.memory) }
    }
}

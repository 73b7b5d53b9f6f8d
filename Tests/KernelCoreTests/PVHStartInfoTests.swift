import KernelCore
import Testing

@Suite struct PVHStartInfoTests {
    static let info: UInt64 = 0x10_1000
    static let commandLine: UInt64 = 0x10_2000
    static let memoryMap: UInt64 = 0x10_3000

    static func makeBuffer(version: UInt32 = 1, entries: [(base: UInt64, length: UInt64, type: UInt32)]) -> PhysicalBuffer {
        let buffer = PhysicalBuffer()
        buffer.write(PVHStartInfo.magic, at: info)
        buffer.write(version, at: info + 4)
        buffer.write(UInt32(0), at: info + 8)
        buffer.write(UInt32(2), at: info + 12)
        buffer.write(UInt64(0x10_4000), at: info + 16)
        buffer.write(commandLine, at: info + 24)
        buffer.write(UInt64(0xF_5000), at: info + 32)
        buffer.write(memoryMap, at: info + 40)
        buffer.write(UInt32(entries.count), at: info + 48)
        buffer.write("console=ttyS0", at: commandLine)
        for (index, entry) in entries.enumerated() {
            let address = memoryMap + UInt64(index * 24)
            buffer.write(entry.base, at: address)
            buffer.write(entry.length, at: address + 8)
            buffer.write(entry.type, at: address + 16)
            buffer.write(UInt32(0xFFFF), at: address + 20)
        }
        return buffer
    }

    @Test func readsFieldsAndMemoryMap() throws {
        let buffer = Self.makeBuffer(entries: [(0, 0x9_FC00, 1), (0x10_0000, 0xFF0_0000, 1), (0xFEFF_C000, 0x4000, 2), (0, 0, 7)])
        let info = try PVHStartInfo(address: Self.info, memory: buffer.memory)
        #expect(info.version == 1)
        #expect(info.moduleCount == 2)
        #expect(info.moduleListAddress == 0x10_4000)
        #expect(info.rsdpAddress == 0xF_5000)
        #expect(info.commandLine?.text == "console=ttyS0")
        #expect(info.regions == [
            MemoryRegion(base: 0, length: 0x9_FC00, kind: .usable),
            MemoryRegion(base: 0x10_0000, length: 0xFF0_0000, kind: .usable),
            MemoryRegion(base: 0xFEFF_C000, length: 0x4000, kind: .reserved),
            MemoryRegion(base: 0, length: 0, kind: .other),
        ])
    }

    @Test func versionZeroHasNoMemoryMap() throws {
        let buffer = Self.makeBuffer(version: 0, entries: [(0, 0x1000, 1)])
        let info = try PVHStartInfo(address: Self.info, memory: buffer.memory)
        #expect(info.regions.isEmpty)
    }

    @Test func absentCommandLineIsNil() throws {
        let buffer = Self.makeBuffer(entries: [])
        buffer.write(UInt64(0), at: Self.info + 24)
        let info = try PVHStartInfo(address: Self.info, memory: buffer.memory)
        #expect(info.commandLine == nil)
        #expect(info.regions.isEmpty)
    }

    @Test func rejectsBadStructures() {
        let badMagic = Self.makeBuffer(entries: [])
        badMagic.write(UInt32(0x1234), at: Self.info)
        #expect(throws: BootInfoError.badMagic(0x1234)) { try PVHStartInfo(address: Self.info, memory: badMagic.memory) }

        let tooMany = Self.makeBuffer(entries: [])
        tooMany.write(UInt32(100_000), at: Self.info + 48)
        #expect(throws: BootInfoError.tooManyEntries) { try PVHStartInfo(address: Self.info, memory: tooMany.memory) }

        let mapOutside = Self.makeBuffer(entries: [(0, 0x1000, 1)])
        mapOutside.write(UInt64.max - 8, at: Self.info + 40)
        #expect(throws: BootInfoError.outOfBounds) { try PVHStartInfo(address: Self.info, memory: mapOutside.memory) }

        let mapPastEnd = Self.makeBuffer(entries: [(0, 0x1000, 1)])
        mapPastEnd.write(mapPastEnd.physicalStart + UInt64(mapPastEnd.size) - 24, at: Self.info + 40)
        mapPastEnd.write(UInt32(2), at: Self.info + 48)
        #expect(throws: BootInfoError.outOfBounds) { try PVHStartInfo(address: Self.info, memory: mapPastEnd.memory) }

        let memory = Self.makeBuffer(entries: []).memory
        #expect(throws: BootInfoError.outOfBounds) { try PVHStartInfo(address: UInt64.max - 4, memory: memory) }
    }
}

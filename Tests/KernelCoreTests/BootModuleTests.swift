import KernelCore
import Testing

/// The first `-initrd` module as the Multiboot and PVH parsers expose it.
@Suite struct BootModuleTests {
    static let modules: UInt64 = 0x10_4000

    static func multiboot(count: UInt32, start: UInt32, end: UInt32, list: UInt64 = modules) -> PhysicalBuffer {
        let buffer = MultibootInfoTests.makeBuffer(entries: MultibootInfoTests.qemuLikeMap)
        buffer.write(UInt32(1 << 0 | 1 << 2 | 1 << 3 | 1 << 6), at: MultibootInfoTests.info)
        buffer.write(count, at: MultibootInfoTests.info + 20)
        buffer.write(UInt32(list), at: MultibootInfoTests.info + 24)
        buffer.write(start, at: modules)
        buffer.write(end, at: modules + 4)
        return buffer
    }

    @Test func multibootModule() throws {
        let buffer = Self.multiboot(count: 1, start: 0x20_0000, end: 0x21_C5A0)
        let info = try MultibootInfo(address: MultibootInfoTests.info, memory: buffer.memory)
        #expect(info.firstModule == BootModule(address: 0x20_0000, size: 0x1_C5A0))
    }

    @Test func multibootWithoutModules() throws {
        let flagClear = MultibootInfoTests.makeBuffer(entries: MultibootInfoTests.qemuLikeMap)
        #expect(try MultibootInfo(address: MultibootInfoTests.info, memory: flagClear.memory).firstModule == nil)
        let countZero = Self.multiboot(count: 0, start: 0, end: 0)
        #expect(try MultibootInfo(address: MultibootInfoTests.info, memory: countZero.memory).firstModule == nil)
    }

    @Test func multibootModuleEndingBeforeItsStart() {
        let buffer = Self.multiboot(count: 1, start: 0x20_0000, end: 0x1F_0000)
        #expect(throws: BootInfoError.malformedModule) { try MultibootInfo(address: MultibootInfoTests.info, memory: buffer.memory) }
    }

    @Test func multibootModuleListOutsideMemory() {
        let buffer = Self.multiboot(count: 1, start: 0, end: 0, list: 0xFFFF_FFF8)
        #expect(throws: BootInfoError.malformedModule) { try MultibootInfo(address: MultibootInfoTests.info, memory: buffer.memory) }
    }

    @Test func pvhModule() throws {
        let buffer = PVHStartInfoTests.makeBuffer(entries: [(0x10_0000, 0xFF0_0000, 1)])
        buffer.write(UInt64(0xFE5_0000), at: Self.modules)
        buffer.write(UInt64(0x1_C5A0), at: Self.modules + 8)
        let info = try PVHStartInfo(address: PVHStartInfoTests.info, memory: buffer.memory)
        #expect(info.firstModule == BootModule(address: 0xFE5_0000, size: 0x1_C5A0))
    }

    @Test func pvhModuleListOutsideMemory() {
        let buffer = PVHStartInfoTests.makeBuffer(entries: [])
        buffer.write(UInt64(0xFFFF_FFF0), at: PVHStartInfoTests.info + 16)
        #expect(throws: BootInfoError.malformedModule) { try PVHStartInfo(address: PVHStartInfoTests.info, memory: buffer.memory) }
    }
}

import KernelCore
import Testing

@Suite struct PhysicalMemoryTests {
    @Test func identityWindow() throws {
        let window = try #require(PhysicalMemory.identity(physicalStart: 0x1000, size: 0xFFFF_F000))
        #expect(UInt(bitPattern: window.start) == 0x1000)
        #expect(PhysicalMemory.identity(physicalStart: 0, size: 0x1000) == nil)
        #expect(PhysicalMemory.identity(physicalStart: 0x1000, size: 0) == nil)
        #expect(PhysicalMemory.identity(physicalStart: 0x1000, size: .max) == nil)
    }

    @Test func bytesStayInsideWindow() {
        let buffer = PhysicalBuffer(physicalStart: 0x20_0000, size: 4096)
        let memory = buffer.memory
        #expect(memory.bytes(at: 0x20_0000, count: 4096)?.count == 4096)
        #expect(memory.bytes(at: 0x20_0FF0, count: 16) != nil)
        #expect(memory.bytes(at: 0x20_0FF0, count: 17) == nil)
        #expect(memory.bytes(at: 0x1F_FFFF, count: 1) == nil)
        #expect(memory.bytes(at: 0x20_0000, count: -1) == nil)
        #expect(memory.bytes(at: .max, count: 1) == nil)
        buffer.write(UInt32(0xAABB_CCDD), at: 0x20_0010)
        #expect(memory.bytes(at: 0x20_0010, count: 4)?.load(as: UInt32.self) == 0xAABB_CCDD)
    }
}

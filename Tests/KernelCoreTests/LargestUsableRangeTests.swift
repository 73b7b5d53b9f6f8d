import LiveUpdate
import KernelCore
import Testing

/// A fixed list of regions.
struct RegionList: MemoryMap {
    let regions: [MemoryRegion]

    func forEachMemoryRegion(_ body: (MemoryRegion) -> Void) {
        regions.forEach(body)
    }
}

@Suite struct LargestUsableRangeTests {
    static let map = RegionList(regions: [
        MemoryRegion(base: 0, length: 0x9_FC00, kind: .usable),
        MemoryRegion(base: 0x10_0000, length: 0x7EE_0000, kind: .usable),
        MemoryRegion(base: 0x7FE_0000, length: 0x2_0000, kind: .reserved),
        MemoryRegion(base: 0x1_0000_0000, length: 0x4000_0000, kind: .usable),
        MemoryRegion(base: 0x2_0000_0000, length: 0x8000_0000, kind: .bad),
    ])

    @Test func picksLargestRangeAboveKernel() {
        #expect(Self.map.largestUsableRange(above: 0x20_0123)
            == PhysicalRange(start: 0x1_0000_0000, end: 0x1_4000_0000))
    }

    @Test func clipsToKernelEndAndCeiling() {
        let range = Self.map.largestUsableRange(above: 0x20_0123, below: 0x1_0000_0000)
        #expect(range == PhysicalRange(start: 0x20_1000, end: 0x7FE_0000))
    }

    @Test func nothingUsableAboveKernel() {
        #expect(Self.map.largestUsableRange(above: 0x2_0000_0000) == nil)
        #expect(RegionList(regions: []).largestUsableRange(above: 0) == nil)
        let tiny = RegionList(regions: [MemoryRegion(base: 0x1800, length: 0x1000, kind: .usable)])
        #expect(tiny.largestUsableRange(above: 0) == nil)
    }

    @Test func worksOnRealDeviceTree() throws {
        let range = try withDeviceTree(QEMUDeviceTreeTests.blob) { $0.largestUsableRange(above: 0x4010_0000) }
        #expect(range == PhysicalRange(start: 0x4010_0000, end: 0x5000_0000))
    }
}

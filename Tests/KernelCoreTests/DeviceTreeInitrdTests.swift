import KernelCore
import Testing

/// /chosen linux,initrd-start/-end as QEMU virt writes them (two cells) or one cell each.
@Suite struct DeviceTreeInitrdTests {
    static func tree(start: [UInt32]?, end: [UInt32]?) -> [UInt8] {
        var fdt = FlattenedDeviceTreeBuilder()
        fdt.beginNode("")
        fdt.beginNode("chosen")
        if let start { fdt.property("linux,initrd-start", cells: start) }
        if let end { fdt.property("linux,initrd-end", cells: end) }
        fdt.endNode()
        fdt.endNode()
        return fdt.build()
    }

    @Test func twoCells() throws {
        let initrd = try withDeviceTree(Self.tree(start: [0, 0x4800_0000], end: [0, 0x4802_F238])) { $0.initrd }
        #expect(initrd == BootModule(address: 0x4800_0000, size: 0x2_F238))
    }

    @Test func oneCell() throws {
        let initrd = try withDeviceTree(Self.tree(start: [0x4800_0000], end: [0x4800_1000])) { $0.initrd }
        #expect(initrd == BootModule(address: 0x4800_0000, size: 0x1000))
    }

    @Test func absentOrMalformed() throws {
        #expect(try withDeviceTree(Self.tree(start: nil, end: nil)) { $0.initrd } == nil)
        #expect(try withDeviceTree(Self.tree(start: [0x4800_0000], end: nil)) { $0.initrd } == nil)
        #expect(try withDeviceTree(Self.tree(start: [0x4800_1000], end: [0x4800_0000])) { $0.initrd } == nil)
        #expect(try withDeviceTree(Self.tree(start: [0, 0, 0x4800_0000], end: [0, 0, 0x4800_1000])) { $0.initrd } == nil)
    }
}

import KernelCore
import Testing

@Suite struct DeviceTreeBuilderTests {
    /// Root with default cells except where set; a bus with 1+1 cells; chosen; memory.
    static func sampleTree() -> FlattenedDeviceTreeBuilder {
        var fdt = FlattenedDeviceTreeBuilder()
        fdt.reservations = [(0x4800_0000, 0x1000)]
        fdt.beginNode("")
        fdt.property("#address-cells", cells: [2])
        fdt.property("#size-cells", cells: [2])
        fdt.beginNode("chosen")
        fdt.nop()
        fdt.property("bootargs", strings: "quiet port=8080")
        fdt.endNode()
        fdt.beginNode("memory@80000000")
        fdt.property("device_type", strings: "memory")
        fdt.property("reg", cells: [0, 0x8000_0000, 0, 0x1000_0000, 1, 0, 0, 0x2000_0000])
        fdt.endNode()
        fdt.beginNode("soc")
        fdt.property("#address-cells", cells: [1])
        fdt.property("#size-cells", cells: [1])
        fdt.beginNode("serial@1000")
        fdt.property("compatible", strings: "vendor,uart", "ns16550a")
        fdt.property("reg", cells: [0x1000, 0x100, 0x2000, 0x10])
        fdt.property("interrupts", cells: [0, 33, 4])
        fdt.endNode()
        fdt.beginNode("bridge")
        fdt.beginNode("device@5")
        fdt.property("compatible", strings: "vendor,deep")
        fdt.property("reg", cells: [0, 5, 0x40])
        fdt.endNode()
        fdt.endNode()
        fdt.endNode()
        fdt.nop()
        fdt.endNode()
        return fdt
    }

    @Test func decodesMemoryWithRootCells() throws {
        let regions = try withDeviceTree(Self.sampleTree().build()) { tree in
            var regions: [MemoryRegion] = []
            tree.forEachMemoryRegion { regions.append($0) }
            return regions
        }
        #expect(regions == [
            MemoryRegion(base: 0x8000_0000, length: 0x1000_0000, kind: .usable),
            MemoryRegion(base: 0x1_0000_0000, length: 0x2000_0000, kind: .usable),
        ])
    }

    @Test func usesParentCellsAndDefaults() throws {
        try withDeviceTree(Self.sampleTree().build()) { tree in
            let serial = try #require(tree.firstNode(compatible: "ns16550a"))
            #expect(serial.regCount == 2)
            #expect(serial.reg(index: 1)! == (0x2000, 0x10))
            #expect(serial.cell(named: "interrupts", at: 1) == 33)
            // "bridge" declares no cells, so its children use the defaults 2 and 1.
            let deep = try #require(tree.firstNode(compatible: "vendor,deep"))
            #expect(deep.depth == 3)
            #expect(deep.reg(index: 0)! == (5, 0x40))
        }
    }

    @Test func findsNodesByPathAndChildren() throws {
        try withDeviceTree(Self.sampleTree().build()) { tree in
            #expect(tree.bootArguments?.text == "quiet port=8080")
            #expect(tree.node(atPath: "/soc/serial")?.name.text == "serial@1000")
            #expect(tree.node(atPath: "/soc/serial@1000")?.name.text == "serial@1000")
            #expect(tree.node(atPath: "/soc/serial@2000") == nil)
            #expect(tree.node(atPath: "/soc/bridge/device@5") != nil)
            #expect(tree.node(atPath: "/ser") == nil)
            var children: [String] = []
            tree.node(atPath: "/soc")?.forEachChild { children.append($0.name.text) }
            #expect(children == ["serial@1000", "bridge"])
            #expect(tree.root.property(named: "missing") == nil)
        }
    }

    @Test func readsReservations() throws {
        let reserved = try withDeviceTree(Self.sampleTree().build()) { tree in
            var reserved: [MemoryRegion] = []
            tree.forEachReservedRegion { reserved.append($0) }
            return reserved
        }
        #expect(reserved == [MemoryRegion(base: 0x4800_0000, length: 0x1000, kind: .reserved)])
    }

    @Test func rejectsBadHeaders() {
        let blob = Self.sampleTree().build()
        var badMagic = blob
        badMagic[0] = 0
        #expect(deviceTreeError(badMagic) == .badMagic(0x000D_FEED))
        #expect(deviceTreeError(Self.sampleTree().build(version: 16)) == .unsupportedVersion(16))
        #expect(deviceTreeError(Self.sampleTree().build(lastCompatibleVersion: 18)) == .unsupportedVersion(17))
        #expect(deviceTreeError(blob, maximumSize: blob.count - 1) == .badTotalSize(UInt32(blob.count)))
        #expect(deviceTreeError(blob, maximumSize: 8) == .badTotalSize(UInt32(blob.count)))
        #expect(deviceTreeError(blob, maximumSize: 2) == .badMagic(0))
        var structureTooLong = blob
        structureTooLong[36] = 0x7F
        #expect(deviceTreeError(structureTooLong) == .blockOutOfBounds)
        var stringsOutside = blob
        stringsOutside[14] = 0xFF
        #expect(deviceTreeError(stringsOutside) == .blockOutOfBounds)
        // The reservation block then starts 8 bytes before the end: no room for a terminator.
        var unterminatedReservations = blob
        unterminatedReservations.replaceSubrange(
            16..<20, with: FlattenedDeviceTreeBuilder.bigEndianBytes(UInt32(blob.count - 8)))
        #expect(deviceTreeError(unterminatedReservations) == .blockOutOfBounds)
    }

    @Test func rejectsMalformedStructure() {
        var unbalanced = FlattenedDeviceTreeBuilder()
        unbalanced.beginNode("")
        unbalanced.beginNode("child")
        unbalanced.endNode()
        #expect(Self.isMalformed(unbalanced.build()))

        var badToken = FlattenedDeviceTreeBuilder()
        badToken.beginNode("")
        badToken.appendCell(7)
        badToken.endNode()
        #expect(Self.isMalformed(badToken.build()))

        var propertyTooLong = FlattenedDeviceTreeBuilder()
        propertyTooLong.beginNode("")
        propertyTooLong.appendCell(3)
        propertyTooLong.appendCell(1000)
        propertyTooLong.appendCell(0)
        propertyTooLong.endNode()
        #expect(Self.isMalformed(propertyTooLong.build()))

        var badNameOffset = FlattenedDeviceTreeBuilder()
        badNameOffset.beginNode("")
        badNameOffset.appendCell(3)
        badNameOffset.appendCell(0)
        badNameOffset.appendCell(0x7FFF_FFFF)
        badNameOffset.endNode()
        #expect(Self.isMalformed(badNameOffset.build()))

        var twoRoots = FlattenedDeviceTreeBuilder()
        twoRoots.beginNode("")
        twoRoots.endNode()
        twoRoots.beginNode("")
        twoRoots.endNode()
        #expect(Self.isMalformed(twoRoots.build()))

        var propertyOutsideNode = FlattenedDeviceTreeBuilder()
        propertyOutsideNode.property("x", cells: [1])
        #expect(Self.isMalformed(propertyOutsideNode.build()))
    }

    @Test func rejectsMissingEndToken() {
        var fdt = FlattenedDeviceTreeBuilder()
        fdt.beginNode("")
        fdt.endNode()
        var blob = fdt.build()
        // Overwrite FDT_END (the last cell of the structure block, just before the empty strings block).
        blob[blob.count - 1] = 2
        #expect(Self.isMalformed(blob))
    }

    @Test func limitsNesting() {
        var fdt = FlattenedDeviceTreeBuilder()
        for level in 0...16 { fdt.beginNode("n\(level)") }
        for _ in 0...16 { fdt.endNode() }
        #expect(deviceTreeError(fdt.build()) == .tooDeep)

        var allowed = FlattenedDeviceTreeBuilder()
        for level in 0..<16 { allowed.beginNode("n\(level)") }
        for _ in 0..<16 { allowed.endNode() }
        #expect(deviceTreeError(allowed.build()) == nil)
    }

    static func isMalformed(_ blob: [UInt8]) -> Bool {
        if case .malformedStructure = deviceTreeError(blob) { return true }
        return false
    }
}

/// One node of a validated device tree. Queries never allocate.
public struct DeviceTreeNode {
    let blocks: DeviceTreeBlocks
    /// Full node name, e.g. "pl011@9000000"; empty for the root.
    public let name: UnsafeRawBufferPointer
    /// 0 for the root.
    public let depth: Int
    /// Offsets of the node's BEGIN_NODE token and of the token after its name.
    let beginOffset: Int
    let propertiesOffset: Int
    let parentCells: CellCounts

    /// The raw value of a property, or nil if the node does not have it.
    public func property(named name: StaticString) -> UnsafeRawBufferPointer? {
        var found: UnsafeRawBufferPointer?
        blocks.forEachProperty(from: propertiesOffset) { propertyName, value in
            if propertyName.equals(name) { found = value }
            return found == nil
        }
        return found
    }

    /// Whether one of the NUL-separated strings of the `compatible` property is `string`.
    public func isCompatible(with string: StaticString) -> Bool {
        guard let list = property(named: "compatible") else { return false }
        var start = 0
        while let entry = list.cString(at: start) {
            if entry.equals(string) { return true }
            start += entry.count + 1
        }
        return false
    }

    /// Number of 32-bit big-endian cells in a property (0 if absent).
    public func cellCount(named name: StaticString) -> Int {
        (property(named: name)?.count ?? 0) / 4
    }

    /// The cell at `index` of a property such as `interrupts`.
    public func cell(named name: StaticString, at index: Int) -> UInt32? {
        guard index >= 0, index < cellCount(named: name) else { return nil }
        return property(named: name)?.bigEndianUInt32(at: index * 4)
    }

    /// Number of (address, size) entries in `reg`, per the parent's `#address-cells`/`#size-cells`.
    public var regCount: Int {
        guard parentCells.address <= 2, parentCells.size <= 2 else { return 0 }
        let entrySize = Int(parentCells.address + parentCells.size) * 4
        guard entrySize > 0 else { return 0 }
        return (property(named: "reg")?.count ?? 0) / entrySize
    }

    /// The `index`th `reg` entry. Nil if absent, or if the parent uses more than two cells for
    /// addresses or sizes (e.g. PCI), which do not fit a plain 64-bit pair.
    public func reg(index: Int) -> (address: UInt64, size: UInt64)? {
        guard index >= 0, index < regCount, let reg = property(named: "reg") else { return nil }
        let addressCells = Int(parentCells.address)
        let entryStart = index * (addressCells + Int(parentCells.size)) * 4
        guard let address = Self.number(in: reg, at: entryStart, cells: addressCells),
              let size = Self.number(in: reg, at: entryStart + addressCells * 4, cells: Int(parentCells.size))
        else { return nil }
        return (address, size)
    }

    /// Calls `body` for each direct child.
    public func forEachChild(_ body: (DeviceTreeNode) -> Void) {
        walkSubtree { node in
            if node.depth == depth + 1 { body(node) }
            return true
        }
    }

    /// The direct child called `name`, or `name@unit-address` when `name` has no unit address.
    public func child(named name: StaticString) -> DeviceTreeNode? {
        name.withUTF8Buffer { child(named: UnsafeRawBufferPointer($0)) }
    }

    func child(named wanted: UnsafeRawBufferPointer) -> DeviceTreeNode? {
        var found: DeviceTreeNode?
        walkSubtree { node in
            if node.depth == depth + 1 && node.hasName(wanted) { found = node }
            return found == nil
        }
        return found
    }

    /// Visits this node and everything below it, depth first, until `visit` returns false.
    func walkSubtree(_ visit: (DeviceTreeNode) -> Bool) {
        _ = try? blocks.walk(from: beginOffset, depth: depth, parentCells: parentCells, visit)
    }

    private func hasName(_ wanted: UnsafeRawBufferPointer) -> Bool {
        if name.elementsEqual(wanted) { return true }
        let at = UInt8(ascii: "@")
        return !wanted.contains(at) && name.count > wanted.count && name[wanted.count] == at
            && name.prefix(wanted.count).elementsEqual(wanted)
    }

    private static func number(in bytes: UnsafeRawBufferPointer, at offset: Int, cells: Int) -> UInt64? {
        var value: UInt64 = 0
        for cell in 0..<cells {
            guard let part = bytes.bigEndianUInt32(at: offset + cell * 4) else { return nil }
            value = value << 32 | UInt64(part)
        }
        return value
    }
}

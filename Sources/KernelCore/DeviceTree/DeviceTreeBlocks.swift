/// `#address-cells` and `#size-cells` a node declares for its children (defaults 2 and 1).
struct CellCounts {
    var address: UInt32 = 2
    var size: UInt32 = 1
}

/// The structure and strings blocks of a blob, and the traversal shared by validation and
/// queries.
struct DeviceTreeBlocks {
    static let maximumDepth = 16

    let structure: UnsafeRawBufferPointer
    let strings: UnsafeRawBufferPointer
    /// Offset of the structure block in the blob, to report errors as blob offsets.
    let structureOffset: Int

    func token(at offset: Int) throws(DeviceTreeError) -> (token: DeviceTreeToken, next: Int) {
        guard let decoded = DeviceTreeToken.read(at: offset, structure: structure, strings: strings) else {
            throw .malformedStructure(offset: structureOffset + offset)
        }
        return decoded
    }

    /// Visits, depth first, the node whose BEGIN_NODE token is at `offset` (at depth `depth`)
    /// and all nodes below it until `visit` returns false. Returns the offset after the node's
    /// END_NODE token, or nil if `visit` stopped the walk.
    func walk(
        from offset: Int, depth: Int, parentCells: CellCounts, _ visit: (DeviceTreeNode) -> Bool
    ) throws(DeviceTreeError) -> Int? {
        var cells = InlineArray<17, CellCounts>(repeating: CellCounts())
        cells[0] = parentCells
        var level = 0
        var offset = offset
        repeat {
            let (token, next) = try token(at: offset)
            switch token {
            case .beginNode(let name):
                guard depth + level < Self.maximumDepth else { throw .tooDeep }
                level += 1
                cells[level] = CellCounts()
                let node = DeviceTreeNode(
                    blocks: self, name: name, depth: depth + level - 1,
                    beginOffset: offset, propertiesOffset: next, parentCells: cells[level - 1])
                guard visit(node) else { return nil }
            case .endNode where level > 0:
                level -= 1
            case .property(let name, let value) where level > 0:
                if let count = value.count == 4 ? value.bigEndianUInt32(at: 0) : nil {
                    if name.equals("#address-cells") { cells[level].address = count }
                    if name.equals("#size-cells") { cells[level].size = count }
                }
            case .nop where level > 0:
                break
            default:
                throw .malformedStructure(offset: structureOffset + offset)
            }
            offset = next
        } while level > 0
        return offset
    }

    /// Calls `body` for each property from `offset` until the first child node or END_NODE.
    func forEachProperty(
        from offset: Int, _ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Bool
    ) {
        var offset = offset
        while let (token, next) = try? token(at: offset) {
            switch token {
            case .property(let name, let value):
                guard body(name, value) else { return }
            case .nop:
                break
            default:
                return
            }
            offset = next
        }
    }
}

/// A validated flattened device tree (Devicetree Specification, FDT format version 17), read in
/// place. The initializer checks the whole blob once; queries after that never allocate, so the
/// kernel can use them before its heap exists.
public struct DeviceTree: MemoryMap {
    public static let magic: UInt32 = 0xD00D_FEED
    public static let defaultMaximumSize = 4 << 20
    static let headerSize = 40
    static let version: UInt32 = 17

    public let root: DeviceTreeNode
    private let reservations: UnsafeRawBufferPointer

    /// Reads the blob at `blob`, trusting at most `maximumSize` bytes to be readable there.
    public init(blob: UnsafeRawPointer, maximumSize: Int = defaultMaximumSize) throws(DeviceTreeError) {
        let header = UnsafeRawBufferPointer(start: blob, count: max(0, min(maximumSize, Self.headerSize)))
        let field = { (offset: Int) in header.bigEndianUInt32(at: offset) ?? 0 }
        guard field(0) == Self.magic else { throw .badMagic(field(0)) }
        let totalSize = field(4)
        guard totalSize >= Self.headerSize, let size = Int(exactly: totalSize), size <= maximumSize else {
            throw .badTotalSize(totalSize)
        }
        guard field(20) >= Self.version, field(24) <= Self.version else { throw .unsupportedVersion(field(20)) }

        let bytes = UnsafeRawBufferPointer(start: blob, count: size)
        let block = { (offset: UInt32, length: UInt32) in
            bytes.slice(at: Int(exactly: offset) ?? -1, length: Int(exactly: length) ?? -1)
        }
        guard let structure = block(field(8), field(36)), let strings = block(field(12), field(32)),
              let reservations = block(field(16), totalSize - min(field(16), totalSize))
        else { throw .blockOutOfBounds }
        guard Self.reservationCount(in: reservations) != nil else { throw .blockOutOfBounds }
        self.reservations = reservations

        let blocks = DeviceTreeBlocks(structure: structure, strings: strings, structureOffset: Int(field(8)))
        var root: DeviceTreeNode?
        guard let rootEnd = try blocks.walk(from: 0, depth: 0, parentCells: CellCounts(), { node in
            if root == nil { root = node }
            return true
        }), let root else { throw .malformedStructure(offset: Int(field(8))) }
        try Self.expectEnd(in: blocks, from: rootEnd)
        self.root = root
    }

    /// Calls `body` for every node, depth first.
    public func forEachNode(_ body: (DeviceTreeNode) -> Void) {
        root.walkSubtree { node in
            body(node)
            return true
        }
    }

    /// Calls `body` for every node whose `compatible` list contains `compatible`.
    public func forEachNode(compatible: StaticString, _ body: (DeviceTreeNode) -> Void) {
        forEachNode { node in
            if node.isCompatible(with: compatible) { body(node) }
        }
    }

    /// The first node, depth first, whose `compatible` list contains `compatible`.
    public func firstNode(compatible: StaticString) -> DeviceTreeNode? {
        var found: DeviceTreeNode?
        root.walkSubtree { node in
            if node.isCompatible(with: compatible) { found = node }
            return found == nil
        }
        return found
    }

    /// The node at an absolute path such as "/chosen" or "/pl011@9000000".
    public func node(atPath path: StaticString) -> DeviceTreeNode? {
        path.withUTF8Buffer { utf8 in
            let path = UnsafeRawBufferPointer(utf8)
            var node: DeviceTreeNode? = root
            var start = 0
            while start < path.count, let current = node {
                let end = path[start...].firstIndex(of: UInt8(ascii: "/")) ?? path.count
                if end > start {
                    node = current.child(named: UnsafeRawBufferPointer(rebasing: path[start..<end]))
                }
                start = end + 1
            }
            return node
        }
    }

    /// The kernel command line: /chosen `bootargs` without its terminating NUL.
    public var bootArguments: UnsafeRawBufferPointer? {
        guard let value = node(atPath: "/chosen")?.property(named: "bootargs") else { return nil }
        return value.cString(at: 0) ?? value
    }

    /// Calls `body` with each `reg` range of the nodes whose `device_type` is "memory".
    public func forEachMemoryRegion(_ body: (MemoryRegion) -> Void) {
        forEachNode { node in
            guard node.property(named: "device_type")?.cString(at: 0)?.equals("memory") == true else { return }
            for index in 0..<node.regCount {
                if let (address, size) = node.reg(index: index) {
                    body(MemoryRegion(base: address, length: size, kind: .usable))
                }
            }
        }
    }

    /// Calls `body` with each entry of the memory reservation block (kind `.reserved`).
    public func forEachReservedRegion(_ body: (MemoryRegion) -> Void) {
        for index in 0..<(Self.reservationCount(in: reservations) ?? 0) {
            if let base = reservations.bigEndianUInt64(at: index * 16),
               let length = reservations.bigEndianUInt64(at: index * 16 + 8) {
                body(MemoryRegion(base: base, length: length, kind: .reserved))
            }
        }
    }

    /// Number of entries before the all-zero terminator; nil if there is no terminator.
    private static func reservationCount(in block: UnsafeRawBufferPointer) -> Int? {
        var index = 0
        while let base = block.bigEndianUInt64(at: index * 16), let length = block.bigEndianUInt64(at: index * 16 + 8) {
            if base == 0 && length == 0 { return index }
            index += 1
        }
        return nil
    }

    /// After the root node only NOPs may come before FDT_END.
    private static func expectEnd(in blocks: DeviceTreeBlocks, from offset: Int) throws(DeviceTreeError) {
        var offset = offset
        while true {
            let (token, next) = try blocks.token(at: offset)
            switch token {
            case .end: return
            case .nop: offset = next
            default: throw .malformedStructure(offset: blocks.structureOffset + offset)
            }
        }
    }
}

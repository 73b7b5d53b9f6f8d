import KernelCore

/// A host buffer standing in for physical memory at a made-up physical address.
final class PhysicalBuffer {
    let physicalStart: UInt64
    let size: Int
    private let storage: UnsafeMutableRawPointer

    init(physicalStart: UInt64 = 0x10_0000, size: Int = 64 << 10) {
        self.physicalStart = physicalStart
        self.size = size
        storage = .allocate(byteCount: size, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: size)
    }

    deinit {
        storage.deallocate()
    }

    var memory: PhysicalMemory {
        PhysicalMemory(start: storage, physicalStart: physicalStart, size: UInt64(size))
    }

    func write<T: FixedWidthInteger>(_ value: T, at address: UInt64) {
        storage.storeBytes(of: value.littleEndian, toByteOffset: offset(address), as: T.self)
    }

    func write(_ string: String, at address: UInt64) {
        for (index, byte) in (Array(string.utf8) + [0]).enumerated() {
            storage.storeBytes(of: byte, toByteOffset: offset(address) + index, as: UInt8.self)
        }
    }

    private func offset(_ address: UInt64) -> Int {
        Int(address - physicalStart)
    }
}

extension MemoryMap {
    var regions: [MemoryRegion] {
        var regions: [MemoryRegion] = []
        forEachMemoryRegion { regions.append($0) }
        return regions
    }
}

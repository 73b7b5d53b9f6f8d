/// A window of readable physical memory: physical addresses
/// [physicalStart, physicalStart + size) are readable at `start`.
///
/// Boot information holds physical addresses. The kernel (identity-mapped or paging off) uses
/// `identity(physicalStart:size:)`; host tests map a buffer at a made-up physical address.
public struct PhysicalMemory {
    public let start: UnsafeRawPointer
    public let physicalStart: UInt64
    public let size: UInt64

    public init(start: UnsafeRawPointer, physicalStart: UInt64, size: UInt64) {
        self.start = start
        self.physicalStart = physicalStart
        self.size = size
    }

    /// Physical memory read at its own address. Nil if the window does not fit the address space
    /// (or starts at 0, which no pointer can address).
    public static func identity(physicalStart: UInt64, size: UInt64) -> PhysicalMemory? {
        let (end, overflow) = physicalStart.addingReportingOverflow(size)
        guard !overflow, size > 0, UInt(exactly: end - 1) != nil,
              let address = UInt(exactly: physicalStart), let start = UnsafeRawPointer(bitPattern: address)
        else { return nil }
        return PhysicalMemory(start: start, physicalStart: physicalStart, size: size)
    }

    /// The `count` bytes at physical `address`, or nil unless they all lie inside the window.
    public func bytes(at address: UInt64, count: Int) -> UnsafeRawBufferPointer? {
        guard address >= physicalStart, count >= 0, let length = UInt64(exactly: count) else { return nil }
        let offset = address - physicalStart
        guard offset <= size, length <= size - offset,
              let pointerOffset = UInt(exactly: offset),
              case let (address, overflow) = UInt(bitPattern: start).addingReportingOverflow(pointerOffset),
              !overflow
        else { return nil }
        return UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: address), count: count)
    }

    /// The NUL-terminated string at physical `address`, without its NUL; nil if `address` is 0
    /// (absent).
    func string(at address: UInt64, maximumLength: Int) throws(BootInfoError) -> UnsafeRawBufferPointer? {
        guard address != 0 else { return nil }
        guard address >= physicalStart, address - physicalStart < size else { throw .outOfBounds }
        let available = size - (address - physicalStart)
        let count = Int(min(available, UInt64(maximumLength) + 1))
        guard let bytes = bytes(at: address, count: count) else { throw .outOfBounds }
        guard let string = bytes.cString(at: 0) else {
            throw count > maximumLength ? .unterminatedString : .outOfBounds
        }
        return string
    }

    /// A table of `entryCount` entries of `entrySize` bytes at `address`, after checking the count
    /// against the parsers' limit.
    func table(at address: UInt64, entryCount: UInt32, entrySize: Int) throws(BootInfoError) -> UnsafeRawBufferPointer {
        guard entryCount <= BootInfoLimits.maximumMemoryMapEntries else { throw .tooManyEntries }
        guard let table = bytes(at: address, count: Int(entryCount) * entrySize) else { throw .outOfBounds }
        return table
    }
}

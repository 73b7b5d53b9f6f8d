import LiveUpdate

/// What a range of physical memory may be used for, as reported by the firmware or boot loader.
public enum MemoryKind: Equatable, Sendable {
    case usable
    case reserved
    case acpiReclaimable
    case acpiNVS
    case bad
    case other

    /// Decodes the E820 type numbering that Multiboot and PVH memory maps share.
    init(e820Type: UInt32) {
        switch e820Type {
        case 1: self = .usable
        case 2: self = .reserved
        case 3: self = .acpiReclaimable
        case 4: self = .acpiNVS
        case 5: self = .bad
        default: self = .other
        }
    }
}

public struct MemoryRegion: Equatable, Sendable {
    public var base: UInt64
    public var length: UInt64
    public var kind: MemoryKind

    public init(base: UInt64, length: UInt64, kind: MemoryKind) {
        self.base = base
        self.length = length
        self.kind = kind
    }

    /// First address after the region, clamped to the top of the 64-bit space.
    public var end: UInt64 {
        let (sum, overflow) = base.addingReportingOverflow(length)
        return overflow ? .max : sum
    }
}

/// Anything that can list the machine's memory: Multiboot, PVH and device-tree boot information.
public protocol MemoryMap {
    func forEachMemoryRegion(_ body: (MemoryRegion) -> Void)
}

extension MemoryMap {
    /// The largest usable range that starts at or after `kernelEnd` (where the kernel image
    /// ends) and ends at or before `ceiling` (e.g. 4 GiB for a 32-bit kernel without paging),
    /// shrunk to page boundaries. This is where the heap and the live-update storage area go.
    /// Overlaps with non-usable regions are not subtracted.
    public func largestUsableRange(above kernelEnd: UInt64, below ceiling: UInt64 = .max) -> PhysicalRange? {
        let pageMask: UInt64 = 4096 - 1
        var best: PhysicalRange?
        forEachMemoryRegion { region in
            guard region.kind == .usable else { return }
            let start = max(region.base, kernelEnd)
            guard start <= UInt64.max - pageMask else { return }
            let range = PhysicalRange(start: (start + pageMask) & ~pageMask, end: min(region.end, ceiling) & ~pageMask)
            guard range.start < range.end, range.length > best?.length ?? 0 else { return }
            best = range
        }
        return best
    }
}

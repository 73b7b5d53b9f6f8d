/// A half-open range of physical addresses, [start, end), in 64 bits on every target.
public struct PhysicalRange: Equatable, Sendable {
    public var start: UInt64
    public var end: UInt64

    public init(start: UInt64, end: UInt64) {
        self.start = start
        self.end = end
    }

    /// Nil when `start + count` wraps.
    public init?(start: UInt64, count: UInt64) {
        let (end, wraps) = start.addingReportingOverflow(count)
        guard !wraps else { return nil }
        self.init(start: start, end: end)
    }

    public var isEmpty: Bool { end <= start }
    public var length: UInt64 { end - start }

    public func contains(_ other: PhysicalRange) -> Bool {
        other.start >= start && other.end <= end
    }

    public func contains(_ address: UInt64) -> Bool {
        address >= start && address < end
    }

    /// Empty ranges overlap nothing.
    public func overlaps(_ other: PhysicalRange) -> Bool {
        !isEmpty && !other.isEmpty && start < other.end && other.start < end
    }
}

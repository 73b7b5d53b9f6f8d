/// One description of a record's fields serves both directions: `SnapshotWriter` appends every
/// field little-endian, `SnapshotReader` replaces it with the stored value after checking it.
/// Writing cannot fail (`Failure == Never`); reading throws `NetSnapshotError`.
protocol FieldCoder {
    associatedtype Failure: Error
    var isReading: Bool { get }
    /// Writes `value` clamped to `range`, or reads a value and rejects it outside `range`.
    mutating func code<T: FixedWidthInteger>(_ value: inout T, in range: ClosedRange<T>) throws(Failure)
    /// A deadline stored as the time remaining after the stack's `now`; none is `UInt64.max`.
    mutating func code(deadline: inout UInt64?) throws(Failure)
    /// A queue's bytes after a `UInt32` count; reading refuses more than the ring's limit.
    mutating func code(_ ring: inout ByteRing) throws(Failure)
    /// Bytes after a `UInt32` count.
    mutating func code(_ bytes: inout [UInt8]) throws(Failure)
    /// Starts a section: `version: UInt16`, `length: UInt32`, then the fields up to the matching
    /// `endSection`. Readers refuse other versions and skip fields a later writer appended.
    mutating func beginSection(version: UInt16) throws(Failure) -> SectionMark
    mutating func endSection(_ mark: SectionMark) throws(Failure)
}

/// Where a section's length field (writing) or its end (reading) is.
struct SectionMark {
    let offset: Int
}

enum SnapshotLimits {
    /// Longest time (about 3 days) a timer, RTO or RTT estimate may hold; keeps the stack's
    /// arithmetic on them far from overflow.
    static let maximumDelay: UInt64 = 1 << 48
    static let maximumInt = Int(Int32.max)
}

extension FieldCoder {
    mutating func code<T: FixedWidthInteger>(_ value: inout T) throws(Failure) {
        try code(&value, in: T.min ... T.max)
    }

    /// An `Int` as a `UInt32`, so that it reads back on 32-bit targets.
    mutating func code(_ value: inout Int, in range: ClosedRange<Int> = 0 ... SnapshotLimits.maximumInt) throws(Failure) {
        var word = UInt32(clamping: value)
        try code(&word, in: UInt32(range.lowerBound) ... UInt32(range.upperBound))
        value = Int(word)
    }

    mutating func code(_ flag: inout Bool) throws(Failure) {
        var byte: UInt8 = flag ? 1 : 0
        try code(&byte, in: 0 ... 1)
        flag = byte == 1
    }

    /// A presence byte, then the value (0 when absent).
    mutating func code<T: FixedWidthInteger>(_ value: inout T?) throws(Failure) {
        var present = value != nil
        var stored = value ?? 0
        try code(&present)
        try code(&stored)
        value = present ? stored : nil
    }

    mutating func code(_ value: inout SeqNum) throws(Failure) { try code(&value.raw) }

    mutating func code(_ value: inout SeqNum?) throws(Failure) {
        var raw = value?.raw
        try code(&raw)
        value = raw.map(SeqNum.init)
    }

    mutating func code(_ address: inout IPv4Address) throws(Failure) {
        var raw = address.raw
        try code(&raw)
        address = IPv4Address(raw: raw)
    }

    mutating func code(_ address: inout IPv4Address?) throws(Failure) {
        var raw = address?.raw
        try code(&raw)
        address = raw.map { IPv4Address(raw: $0) }
    }

    mutating func code(_ address: inout SocketAddress) throws(Failure) {
        try code(&address.ip)
        try code(&address.port)
    }

    mutating func code(_ mac: inout MACAddress) throws(Failure) {
        var raw = mac.raw
        try code(&raw, in: 0 ... MACAddress.broadcast.raw)
        mac = MACAddress(raw: raw)
    }

    /// A `UInt32` count, then each element; a reader starts from `blank` for every element.
    /// Reading appends one element at a time, so a forged count fails on truncation instead of
    /// allocating.
    mutating func code<E>(
        _ list: inout [E], blank: E, _ element: (inout Self, inout E) throws(Failure) -> Void
    ) throws(Failure) {
        var count = list.count
        try code(&count)
        guard isReading else {
            for index in list.indices { try element(&self, &list[index]) }
            return
        }
        list = []
        for _ in 0 ..< count {
            var item = blank
            try element(&self, &item)
            list.append(item)
        }
    }
}

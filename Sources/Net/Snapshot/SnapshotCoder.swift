/// Codes a record's fields in either direction, so that one field list serves both: writing
/// stores each field little-endian, reading replaces each field with the stored value after
/// checking it. Every field goes through `field(_:width:range:)`, which keeps the code small.
/// Writing never throws.
struct SnapshotCoder {
    let isReading: Bool
    /// The stack's clock: deadlines are stored as the time remaining after it.
    let now: UInt64
    /// Writing: the record is `output[..<offset]`; the rest is room for the next fields. Owned
    /// by the writer until `deallocate()`.
    private var output: UnsafeMutableRawBufferPointer
    private let input: UnsafeRawBufferPointer
    /// The position of the next field.
    private var offset = 0

    /// A writer with its own buffer; call `deallocate()` when done.
    static func writer(now: UInt64) -> SnapshotCoder {
        SnapshotCoder(isReading: false, now: now, input: UnsafeRawBufferPointer(start: nil, count: 0),
                      output: .allocate(byteCount: 1024, alignment: 8))
    }

    static func reader(_ input: UnsafeRawBufferPointer, now: UInt64) -> SnapshotCoder {
        SnapshotCoder(isReading: true, now: now, input: input, output: UnsafeMutableRawBufferPointer(start: nil, count: 0))
    }

    private init(isReading: Bool, now: UInt64, input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) {
        self.isReading = isReading
        self.now = now
        self.input = input
        self.output = output
    }

    func deallocate() { output.deallocate() }

    /// The record written so far.
    var record: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: output[..<offset]) }

    /// Writing: lets `fill` store the next `count` bytes in place (and up to 8 bytes beyond,
    /// which the next field overwrites).
    private mutating func write(_ count: Int, _ fill: (UnsafeMutableRawPointer) -> Void) {
        if output.count - offset < count + 8 {
            let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * (output.count + count), alignment: 8)
            grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: output[..<offset]))
            output.deallocate()
            output = grown
        }
        fill(output.baseAddress! + offset)
        offset += count
    }

    /// The one primitive: an unsigned field of `width` bytes that must lie in `range`. Writing
    /// clamps into `range`, so that whatever is written reads back.
    private mutating func field(_ value: UInt64, width: Int, range: ClosedRange<UInt64>) throws(NetSnapshotError) -> UInt64 {
        guard isReading else {
            let stored = min(max(value, range.lowerBound), range.upperBound).littleEndian
            write(width) { $0.storeBytes(of: stored, as: UInt64.self) }
            return value
        }
        let start = offset
        guard input.count - start >= width else { throw .truncated(offset: start) }
        var stored: UInt64 = 0
        if input.count - start >= 8 {
            stored = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: start, as: UInt64.self))
            if width < 8 { stored &= (1 << (8 * UInt64(width))) - 1 }
        } else {
            for index in (start ..< start + width).reversed() { stored = stored << 8 | UInt64(input[index]) }
        }
        offset += width
        guard range.contains(stored) else { throw .invalidValue(offset: start) }
        return stored
    }

    mutating func code<T: FixedWidthInteger & UnsignedInteger>(
        _ value: inout T, in range: ClosedRange<T> = T.min ... T.max
    ) throws(NetSnapshotError) {
        let bounds = UInt64(range.lowerBound) ... UInt64(range.upperBound)
        value = T(truncatingIfNeeded: try field(UInt64(value), width: MemoryLayout<T>.size, range: bounds))
    }

    /// An `Int` as four bytes, so that it reads back on 32-bit targets.
    mutating func code(_ value: inout Int, in range: ClosedRange<Int> = 0 ... SnapshotLimits.maximumInt) throws(NetSnapshotError) {
        let bounds = UInt64(range.lowerBound) ... UInt64(range.upperBound)
        value = Int(truncatingIfNeeded: try field(UInt64(clamping: value), width: 4, range: bounds))
    }

    mutating func code(_ flag: inout Bool) throws(NetSnapshotError) {
        flag = try field(flag ? 1 : 0, width: 1, range: 0 ... 1) == 1
    }

    /// A presence byte, then the value (0 when absent).
    mutating func code<T: FixedWidthInteger & UnsignedInteger>(_ value: inout T?) throws(NetSnapshotError) {
        var present = value != nil
        var stored = value ?? 0
        try code(&present)
        try code(&stored)
        value = present ? stored : nil
    }

    mutating func code(_ value: inout SeqNum) throws(NetSnapshotError) { try code(&value.raw) }

    mutating func code(_ value: inout SeqNum?) throws(NetSnapshotError) {
        var raw = value?.raw
        try code(&raw)
        value = raw.map(SeqNum.init)
    }

    mutating func code(_ address: inout IPv4Address?) throws(NetSnapshotError) {
        var raw = address?.raw
        try code(&raw)
        address = raw.map { IPv4Address(raw: $0) }
    }

    mutating func code(_ address: inout IPv4Address) throws(NetSnapshotError) {
        var raw = address.raw
        try code(&raw)
        address = IPv4Address(raw: raw)
    }

    mutating func code(_ address: inout SocketAddress) throws(NetSnapshotError) {
        try code(&address.ip)
        try code(&address.port)
    }

    mutating func code(_ mac: inout MACAddress) throws(NetSnapshotError) {
        mac = MACAddress(raw: try field(mac.raw, width: 6, range: 0 ... MACAddress.broadcast.raw))
    }

    /// A deadline as the time left after `now` (0 when already due); none is `UInt64.max`.
    mutating func code(deadline: inout UInt64?) throws(NetSnapshotError) {
        let start = offset
        let stored = try field(SnapshotLimits.timeLeft(deadline, now: now), width: 8, range: 0 ... .max)
        guard isReading else { return }
        if stored == .max { return deadline = nil }
        guard stored <= SnapshotLimits.maximumDelay else { throw .invalidValue(offset: start) }
        deadline = now &+ stored
    }

    /// Reading: a queue's bytes after a `UInt32` count, refused beyond `limit`.
    mutating func readQueue(limit: Int) throws(NetSnapshotError) -> ByteRing {
        let stored = try countedBytes()
        guard stored.count <= limit else { throw .bufferTooSmall(needed: stored.count, configured: limit) }
        return ByteRing(limit: limit, contents: stored)
    }

    /// Starts a section: `version: UInt16`, `length: UInt32`, then the fields up to the
    /// matching `endSection`. Readers refuse other versions and skip the fields that a later
    /// writer appended.
    mutating func beginSection(version: UInt16) throws(NetSnapshotError) -> Int {
        var stored = version
        try code(&stored)
        guard stored == version else { throw .unsupportedVersion(stored) }
        var length: UInt32 = 0
        try code(&length)
        guard isReading else { return offset - 4 }
        guard UInt64(length) <= UInt64(input.count - offset) else { throw .truncated(offset: input.count) }
        return offset + Int(length)
    }

    /// `mark` is what `beginSection` returned: the length field (writing) or the section's end.
    mutating func endSection(_ mark: Int) throws(NetSnapshotError) {
        guard isReading else {
            let length = UInt32(offset - mark - 4).littleEndian
            output.storeBytes(of: length, toByteOffset: mark, as: UInt32.self)
            return
        }
        guard offset <= mark else { throw .truncated(offset: mark) }
        offset = mark
    }

    /// Reading: a `UInt32` count, then that many bytes, lent from the input.
    mutating func countedBytes() throws(NetSnapshotError) -> UnsafeRawBufferPointer {
        var count = 0
        try code(&count)
        guard count <= input.count - offset else { throw .truncated(offset: input.count) }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: input[offset ..< offset + count])
    }
}

enum SnapshotLimits {
    /// Longest time (about 3 days) a timer, RTO or RTT estimate may hold; keeps the stack's
    /// arithmetic on them far from overflow.
    static let maximumDelay: UInt64 = 1 << 48
    static let maximumInt = Int(Int32.max)

    /// What a snapshot stores for a deadline: the time left after `now` (0 when already due),
    /// or `UInt64.max` for none.
    static func timeLeft(_ deadline: UInt64?, now: UInt64) -> UInt64 {
        deadline.map { min($0 > now ? $0 - now : 0, maximumDelay) } ?? .max
    }
}

/// A FIFO byte queue in a circular buffer that grows on demand (doubling) up to `limit`, so idle
/// connections cost almost nothing.
struct ByteRing {
    private var storage: [UInt8] = []
    private var head = 0
    private(set) var count = 0
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// A ring holding exactly `contents` (at most `limit` bytes), e.g. a restored queue.
    init(limit: Int, contents: UnsafeRawBufferPointer) {
        self.limit = limit
        storage = Array(contents)
        count = contents.count
    }

    var freeSpace: Int { limit - count }
    var isEmpty: Bool { count == 0 }

    /// Appends as much of `bytes` as fits under the limit; returns how many were taken.
    @discardableResult
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> Int {
        let taken = min(bytes.count, freeSpace)
        guard taken > 0 else { return 0 }
        reserve(count + taken)
        let capacity = storage.count
        let tail = (head + count) % capacity
        let first = min(taken, capacity - tail)
        storage.withUnsafeMutableBytes { ring in
            ring.baseAddress!.advanced(by: tail).copyMemory(from: bytes.baseAddress!, byteCount: first)
            if taken > first {
                ring.baseAddress!.copyMemory(from: bytes.baseAddress!.advanced(by: first), byteCount: taken - first)
            }
        }
        count += taken
        return taken
    }

    /// Copies `length` bytes starting `offset` bytes into the queue, without removing them.
    func copy(offset: Int, length: Int, into destination: UnsafeMutableRawPointer) {
        precondition(offset >= 0 && length >= 0 && offset + length <= count)
        guard length > 0 else { return }
        let capacity = storage.count
        let start = (head + offset) % capacity
        let first = min(length, capacity - start)
        storage.withUnsafeBytes { ring in
            destination.copyMemory(from: ring.baseAddress!.advanced(by: start), byteCount: first)
            if length > first {
                destination.advanced(by: first).copyMemory(from: ring.baseAddress!, byteCount: length - first)
            }
        }
    }

    /// Copies every queued byte to `destination`; returns the count. Inlined so that an empty
    /// queue (an idle connection's, saved in an update) costs no call.
    @inline(__always)
    func copyAll(into destination: UnsafeMutableRawPointer) -> Int {
        if count > 0 { copy(offset: 0, length: count, into: destination) }
        return count
    }

    mutating func discard(_ length: Int) {
        precondition(length >= 0 && length <= count)
        count -= length
        head = count == 0 ? 0 : (head + length) % storage.count
    }

    /// Moves up to `destination.count` bytes out of the queue.
    mutating func read(into destination: UnsafeMutableRawBufferPointer) -> Int {
        let length = min(destination.count, count)
        guard length > 0 else { return 0 }
        copy(offset: 0, length: length, into: destination.baseAddress!)
        discard(length)
        return length
    }

    private mutating func reserve(_ needed: Int) {
        guard needed > storage.count else { return }
        var grown = [UInt8](repeating: 0, count: min(limit, max(needed, storage.count * 2, 2048)))
        grown.withUnsafeMutableBytes { copy(offset: 0, length: count, into: $0.baseAddress!) }
        storage = grown
        head = 0
    }
}

import Net

/// One signed bundle arriving on the update channel: the 8-byte little-endian length, then that
/// many bytes into a heap buffer that must stay put until the hotswap stub copies the image in
/// it. The bundle is placed so that its image (after header and manifest) starts on a page.
final class ImageUpload {
    enum Progress {
        case incomplete
        /// The client sent `status\n` instead of a bundle.
        case statusRequest
        case endedEarly
        case empty
        case tooLarge(UInt64)
        case noRoom(Int)
        case complete(UnsafeRawBufferPointer)
    }

    let connection: TCPConnection
    private var allocation: UnsafeMutableRawPointer?
    /// Where the bundle goes, inside `allocation`.
    private var bundle: UnsafeMutableRawBufferPointer?
    private(set) var received = 0
    private var length: UInt64 = 0
    private var lengthBytes = 0
    private let pace: UploadPace

    var expected: Int { bundle?.count ?? 0 }

    init(_ connection: TCPConnection, now: UInt64) {
        self.connection = connection
        pace = UploadPace(now: now)
    }

    func read(now: UInt64) -> Progress {
        let before = lengthBytes + received
        defer { pace.note(progress: lengthBytes + received - before, now: now) }
        if lengthBytes == 0, bundle == nil, let request = statusRequest() { return request }
        if bundle == nil {
            while lengthBytes < 8 {
                var byte: UInt8 = 0
                guard withUnsafeMutableBytes(of: &byte, { connection.read(into: $0) }) == 1 else {
                    return connection.isAtEndOfStream ? .endedEarly : .incomplete
                }
                length |= UInt64(byte) << (8 * UInt64(lengthBytes))
                lengthBytes += 1
            }
            guard length > 0 else { return .empty }
            guard length <= UInt64(UpdateListener.maximumImageSize), let count = Int(exactly: length) else {
                return .tooLarge(length)
            }
            guard let offset = imageAlignmentOffset(bundleLength: count) else {
                return connection.isAtEndOfStream ? .endedEarly : .incomplete
            }
            guard let buffer = Memory.allocate(byteCount: offset + count, alignment: 4096) else { return .noRoom(count) }
            allocation = buffer
            bundle = UnsafeMutableRawBufferPointer(start: buffer + offset, count: count)
        }
        guard let bundle else { return .incomplete }
        while received < bundle.count {
            let got = connection.read(into: UnsafeMutableRawBufferPointer(rebasing: bundle[received...]))
            guard got > 0 else { return connection.isAtEndOfStream ? .endedEarly : .incomplete }
            received += got
        }
        return .complete(UnsafeRawBufferPointer(bundle))
    }

    /// How far into a page the bundle must start for its image to start on the next one, from
    /// the manifest length in its 8-byte header; nil until the header arrived. Anything that is
    /// not a bundle starts on a page and is refused once it is all there.
    private func imageAlignmentOffset(bundleLength: Int) -> Int? {
        var header = [UInt8](repeating: 0, count: 8)
        let count = header.withUnsafeMutableBytes { connection.peek(into: $0) }
        guard count == header.count || count == bundleLength else { return nil }
        guard count == header.count, header[0..<4].elementsEqual("LIUB".utf8) else { return 0 }
        let imageStart = 8 + (Int(header[6]) | Int(header[7]) << 8)
        return (4096 - imageStart % 4096) % 4096
    }

    /// `.statusRequest` once `status\n` arrived, `.incomplete` while what arrived may still
    /// become it, nil for a length. No bundle length starts so: its fourth byte would be zero.
    private func statusRequest() -> Progress? {
        let request = Array("status\n".utf8)
        var head = [UInt8](repeating: 0, count: request.count)
        let count = head.withUnsafeMutableBytes { connection.peek(into: $0) }
        guard count > 0, head[..<count].elementsEqual(request[..<count]) else { return nil }
        guard count == request.count else { return connection.isAtEndOfStream ? .endedEarly : .incomplete }
        connection.consume(count)
        return .statusRequest
    }

    /// Why the upload is to be dropped at `now`, if it is too slow (`UploadPace`).
    func stall(now: UInt64) -> String? { pace.stall(now: now) }

    func release() {
        if let allocation { Memory.deallocate(allocation) }
        allocation = nil
        bundle = nil
    }
}

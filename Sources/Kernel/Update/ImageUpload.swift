import Net

/// One image arriving on the update channel: the 8-byte little-endian length, then that many
/// bytes into a page-aligned heap buffer that must stay put until the hotswap stub copies it.
final class ImageUpload {
    enum Progress {
        case incomplete
        /// The client sent `status\n` instead of an image.
        case statusRequest
        case endedEarly
        case empty
        case tooLarge(UInt64)
        case noRoom(Int)
        case complete(UnsafeMutableRawBufferPointer)
    }

    let connection: TCPConnection
    private(set) var image: UnsafeMutableRawBufferPointer?
    private(set) var received = 0
    private var length: UInt64 = 0
    private var lengthBytes = 0

    var expected: Int { image?.count ?? 0 }

    init(_ connection: TCPConnection) { self.connection = connection }

    func read() -> Progress {
        if lengthBytes == 0, image == nil, let request = statusRequest() { return request }
        if image == nil {
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
            guard let buffer = Memory.allocate(byteCount: count, alignment: 4096) else { return .noRoom(count) }
            image = UnsafeMutableRawBufferPointer(start: buffer, count: count)
        }
        guard let image else { return .incomplete }
        while received < image.count {
            let got = connection.read(into: UnsafeMutableRawBufferPointer(rebasing: image[received...]))
            guard got > 0 else { return connection.isAtEndOfStream ? .endedEarly : .incomplete }
            received += got
        }
        return .complete(image)
    }

    /// `.statusRequest` once `status\n` arrived, `.incomplete` while what arrived may still
    /// become it, nil for a length. No image length starts so: its fourth byte would be zero.
    private func statusRequest() -> Progress? {
        let request = Array("status\n".utf8)
        var head = [UInt8](repeating: 0, count: request.count)
        let count = head.withUnsafeMutableBytes { connection.peek(into: $0) }
        guard count > 0, head[..<count].elementsEqual(request[..<count]) else { return nil }
        guard count == request.count else { return connection.isAtEndOfStream ? .endedEarly : .incomplete }
        connection.consume(count)
        return .statusRequest
    }

    func release() {
        if let base = image?.baseAddress { Memory.deallocate(base) }
        image = nil
    }
}

import Net

/// One image arriving on the update channel: the 8-byte little-endian length, then that many
/// bytes into a page-aligned heap buffer that must stay put until the hotswap stub copies it.
final class ImageUpload {
    enum Progress {
        case incomplete
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

    func release() {
        if let base = image?.baseAddress { Memory.deallocate(base) }
        image = nil
    }
}

/// One note of an ELF note section or PT_NOTE segment: owner name (with its NUL), type and
/// descriptor, each a slice of the bytes walked.
struct ELFNote {
    /// `"LIU\0"`, the owner of the project's notes: the trust note (type 1, `ImageTrust`) and
    /// the 64-bit soft-reset entry (type 2, `KernelImage.longModeEntry`).
    static let liuOwner: [UInt8] = [0x4C, 0x49, 0x55, 0]

    let name: UnsafeRawBufferPointer
    let type: UInt32
    let descriptor: UnsafeRawBufferPointer

    /// Whether this is the project's note of `type`.
    func isLIU(type wanted: UInt32) -> Bool { type == wanted && name.elementsEqual(Self.liuOwner) }

    /// The notes in `bytes` one after another, or nil when a header or a size does not fit;
    /// reads only inside `bytes`.
    static func all(in bytes: UnsafeRawBufferPointer) -> [ELFNote]? {
        var notes: [ELFNote] = []
        var offset = 0
        while offset < bytes.count {
            guard let base = bytes.baseAddress, bytes.count - offset >= 12 else { return nil }
            // Sizes are compared before they become Int, which is 32 bits on i686.
            let rawNameSize = base.loadLE(at: offset, as: UInt32.self)
            let rawDescriptorSize = base.loadLE(at: offset + 4, as: UInt32.self)
            guard UInt64(rawNameSize) <= UInt64(bytes.count), UInt64(rawDescriptorSize) <= UInt64(bytes.count) else { return nil }
            let (nameSize, descriptorSize) = (Int(rawNameSize), Int(rawDescriptorSize))
            let nameStart = offset + 12
            let descriptorStart = nameStart + padded(nameSize)
            let next = descriptorStart + padded(descriptorSize)
            guard next <= bytes.count else { return nil }
            notes.append(ELFNote(
                name: UnsafeRawBufferPointer(rebasing: bytes[nameStart..<(nameStart + nameSize)]),
                type: base.loadLE(at: offset + 8, as: UInt32.self),
                descriptor: UnsafeRawBufferPointer(rebasing: bytes[descriptorStart..<(descriptorStart + descriptorSize)])))
            offset = next
        }
        return notes
    }

    private static func padded(_ size: Int) -> Int { (size + 3) & ~3 }
}

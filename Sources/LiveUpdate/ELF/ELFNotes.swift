/// One note of an ELF note section or PT_NOTE segment: owner name (with its NUL), type and
/// descriptor, each a slice of the bytes read.
struct ELFNote {
    /// `"LIU\0"`, the owner of the project's notes: the trust note (type 1, `ImageTrust`) and
    /// the 64-bit soft-reset entry (type 2, `KernelImage.longModeEntry`).
    static let liuOwner: [UInt8] = [0x4C, 0x49, 0x55, 0]
    /// The same four bytes read as one little-endian word (compared without an array).
    private static let liuOwnerWord: UInt32 = 0x0055_494C

    let name: UnsafeRawBufferPointer
    let type: UInt32
    let descriptor: UnsafeRawBufferPointer

    /// Whether this is the project's note of `type`.
    func isLIU(type wanted: UInt32) -> Bool {
        guard type == wanted, name.count == 4, let base = name.baseAddress else { return false }
        return base.loadLE(at: 0, as: UInt32.self) == Self.liuOwnerWord
    }
}

/// Reads the notes of a note section or segment one after another, reading only inside its
/// bytes and allocating nothing (the old kernel validates an image during the downtime).
struct ELFNoteReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0
    /// Set when a note's header or sizes do not fit: `next()` has returned nil early.
    private(set) var malformed = false

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The next note, or nil at the end or when the bytes are malformed.
    mutating func next() -> ELFNote? {
        guard offset < bytes.count, !malformed else { return nil }
        guard let base = bytes.baseAddress, bytes.count - offset >= 12 else { return fail() }
        // Sizes are compared before they become Int, which is 32 bits on i686.
        let rawNameSize = base.loadLE(at: offset, as: UInt32.self)
        let rawDescriptorSize = base.loadLE(at: offset + 4, as: UInt32.self)
        guard UInt64(rawNameSize) <= UInt64(bytes.count), UInt64(rawDescriptorSize) <= UInt64(bytes.count) else { return fail() }
        let (nameSize, descriptorSize) = (Int(rawNameSize), Int(rawDescriptorSize))
        let nameStart = offset + 12
        let descriptorStart = nameStart + Self.padded(nameSize)
        let next = descriptorStart + Self.padded(descriptorSize)
        guard next <= bytes.count else { return fail() }
        offset = next
        return ELFNote(
            name: UnsafeRawBufferPointer(rebasing: bytes[nameStart..<(nameStart + nameSize)]),
            type: base.loadLE(at: nameStart - 4, as: UInt32.self),
            descriptor: UnsafeRawBufferPointer(rebasing: bytes[descriptorStart..<(descriptorStart + descriptorSize)]))
    }

    private mutating func fail() -> ELFNote? {
        malformed = true
        return nil
    }

    private static func padded(_ size: Int) -> Int { (size + 3) & ~3 }
}

import KernelCore
import LiveUpdate

/// What the kernel takes from its loader, copied out of loader memory early (the heap
/// will reuse that memory).
struct BootInfo {
    /// The usable RAM range above the kernel image: the heap and, at its top, the
    /// live-update storage area live here.
    var usableStart: UInt = 0
    var usableEnd: UInt = 0
    /// All usable RAM the loader reported.
    var usableBytes: UInt64 = 0
    /// The first file the loader placed next to the kernel (QEMU `-initrd`), if any.
    var firstModule: BootModule? = nil

    init() {}

    /// Takes the largest usable range above the image (below 4 GiB: what the kernel maps)
    /// and copies the command line.
    init(memoryMap: some MemoryMap, commandLine: UnsafeRawBufferPointer?, firstModule: BootModule? = nil) {
        guard let range = memoryMap.largestUsableRange(above: UInt64(Arch.imageEnd), below: 1 << 32) else {
            panic("boot info: no usable memory above the kernel image")
        }
        usableStart = UInt(range.start)
        usableEnd = UInt(truncatingIfNeeded: min(range.end, UInt64(UInt.max) & ~4095))
        var total: UInt64 = 0
        memoryMap.forEachMemoryRegion { region in
            if region.kind == .usable { total += region.length }
        }
        usableBytes = total
        BootArguments.copy(from: commandLine ?? UnsafeRawBufferPointer(start: nil, count: 0))
        self.firstModule = firstModule ?? BootArguments.module
        keepModuleOutOfHeap()
    }

    /// A Multiboot loader puts modules right above the image, where the heap would start:
    /// start the heap above a module in the lower half of the range so that it survives
    /// until a service copies it (modules high up are left in place).
    private mutating func keepModuleOutOfHeap() {
        guard let module = firstModule, module.size > 0 else { return }
        let middle = UInt64(usableStart) + UInt64(usableEnd - usableStart) / 2
        let end = (module.address + module.size + 4095) & ~4095
        if module.address + module.size > UInt64(usableStart), module.address < middle, end < middle {
            usableStart = UInt(end)
        }
    }
}

/// The kernel command line, copied into the image's own memory.
enum BootArguments {
    static let capacity = 1024
    nonisolated(unsafe) private static var storage = InlineArray<1024, UInt8>(repeating: 0)
    nonisolated(unsafe) private(set) static var count = 0
    /// Where the loader's (or the previous kernel's) line starts: the service's default line
    /// from its manifest comes first, so that a key given at boot wins (the last value wins).
    nonisolated(unsafe) private static var givenStart = 0

    /// Sets the line to the service's defaults followed by `bytes` (up to a NUL).
    static func copy(from bytes: UnsafeRawBufferPointer) {
        count = 0
        for byte in ServiceEntry.defaultCommandLine where count < capacity {
            storage[count] = byte
            count += 1
        }
        if count > 0 && count < capacity {
            storage[count] = UInt8(ascii: " ")
            count += 1
        }
        givenStart = count
        for byte in bytes where count < capacity {
            if byte == 0 { break }
            storage[count] = byte
            count += 1
        }
    }

    /// The line as given at boot, without the service's defaults: what an update carries over
    /// (the next image brings defaults of its own).
    static func withGivenBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeBytes(of: &storage) { all in
            body(UnsafeRawBufferPointer(rebasing: all[givenStart..<count]))
        }
    }

    /// The whole line: the service's defaults, then what was given at boot.
    static func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeBytes(of: &storage) { all in
            body(UnsafeRawBufferPointer(rebasing: all[0..<count]))
        }
    }

    /// The integer value of `key=N` (decimal or 0x-hex); nil when absent or not a number.
    static func integer(for key: StaticString) -> UInt64? {
        withBytes { bytes in try? KernelCommandLine(bytes).integer(for: key) } ?? nil
    }

    /// A module placed without the loader's help (QEMU's generic loader device: aarch64
    /// virt loads `-initrd` only for Linux images): `liu.module=ADDRESS liu.module-size=BYTES`.
    static var module: BootModule? {
        guard let address = integer(for: "liu.module"), let size = integer(for: "liu.module-size") else { return nil }
        return BootModule(address: address, size: size)
    }

    /// The value of `key=value`, copied out (empty when absent).
    static func value(for key: StaticString) -> ArgumentValue {
        withBytes { bytes in ArgumentValue(KernelCommandLine(bytes).value(for: key)) }
    }
}

/// A short command-line value held inline, compared without String (String comparison
/// would pull Unicode tables into the image).
struct ArgumentValue {
    private var storage = InlineArray<64, UInt8>(repeating: 0)
    private(set) var count = 0

    init(_ bytes: UnsafeRawBufferPointer?) {
        guard let bytes else { return }
        for byte in bytes where count < 64 {
            storage[count] = byte
            count += 1
        }
    }

    func matches(_ text: StaticString) -> Bool {
        guard text.utf8CodeUnitCount == count else { return false }
        for index in 0..<count where storage[index] != text.utf8Start[index] { return false }
        return true
    }
}

/// What the old kernel hands the new one across a hotswap, at a fixed address the stub
/// passes in EBX (x86) or X1 (aarch64) next to `registerMagic`. Little-endian, fixed layout
/// (docs/update-sequence.md); the CRC32C covers all `size` bytes with the checksum field zero.
/// Reading it allocates nothing: the new kernel does so before its heap exists.
public struct SoftResetBlock: Equatable, Sendable {
    /// In EAX / X0 at the new kernel's entry, where a Multiboot loader puts 0x2BADB002.
    public static let registerMagic: UInt32 = 0x5EF7_2E5E
    /// "LUSR" at the start of the block.
    public static let magic: UInt32 = 0x5253_554C
    public static let version: UInt16 = 4
    /// Version 3, written by the kernels before version 4, is read too: the same layout without
    /// the platform devices, 1408 bytes. So an update from such a kernel keeps its state.
    static let version3Size = PlatformDevices.offset
    public static let commandLineCapacity = 1024
    public static let size = PlatformDevices.offset + PlatformDevices.size

    enum Layout {
        static let magic = 0, version = 4, size = 6, checksum = 8, commandLineLength = 12
        static let memoryStart = 16, memoryEnd = 24, counterHz = 32, timerHz = 40
        static let storageAddress = 48, storageSize = 56, rollbackAddress = 64, rollbackSize = 72
        static let updateStartCounter = 80, updateCounterHz = 88
        static let stopCounter = 96, savedCounter = 104, handoverCounter = 112
        static let confirmWithin = 120, purpose = 128, attempt = 132, rollbackCapacity = 136
        static let deviceMemoryAddress = 144, deviceMemorySize = 152
        /// 160..<240: `NICHandover`, zero when there is none.
        static let rollbackRegion = 240, candidateSize = 248
        static let commandLine = 256
        /// 1280..<1408: the `UpdateRecord`; then 1408..<1448: `PlatformDevices`.
        static let record = commandLine + commandLineCapacity
    }

    /// The usable RAM range the old kernel ran in (the heap and storage area live in it).
    public var memoryStart: UInt64
    public var memoryEnd: UInt64
    /// Calibrated frequencies of the free-running counter and the periodic timer.
    public var counterHz: UInt64
    public var timerHz: UInt64
    public var storageAddress: UInt64
    public var storageSize: UInt64
    /// The region that keeps images for rollbacks (`rollbackCapacity` bytes at
    /// `rollbackRegion`, two halves): the known-good image at `rollbackAddress` (`rollbackSize`
    /// bytes, zero: none) and the candidate an update tries in the other half.
    public var rollbackRegion: UInt64 = 0
    public var rollbackCapacity: UInt64 = 0
    public var rollbackAddress: UInt64 = 0
    public var rollbackSize: UInt64 = 0
    public var candidateSize: UInt64 = 0
    /// The counter when the update started, and the frequency to read it with.
    public var updateStartCounter: UInt64
    public var updateCounterHz: UInt64
    /// Counter readings of the old kernel's phases: service stopped (downtime begins), state
    /// saved, block written just before the stub takes over. Zero when not measured.
    public var stopCounter: UInt64 = 0
    public var savedCounter: UInt64 = 0
    public var handoverCounter: UInt64 = 0
    /// The new kernel must call `confirm` within this many nanoseconds of its entry, or it is
    /// rolled back; zero: no watchdog.
    public var confirmWithin: UInt64 = 0
    public var purpose: Purpose = .update
    /// The region that holds device queues and buffers across the swap.
    public var deviceMemoryAddress: UInt64 = 0
    public var deviceMemorySize: UInt64 = 0
    /// A network device passed on with its queues, not reset.
    public var nic: NICHandover?
    /// How many times this trial has been started (a rollback carries the failed trial's count).
    public var attempt: UInt32 = 0
    /// Where the platform's devices are, for the next kernel (aarch64).
    public var platform = PlatformDevices()

    /// Why the stub started the new kernel.
    public enum Purpose: UInt32, Sendable {
        /// A new image on trial until it confirms.
        case update = 0
        /// The known-good image, back after the update failed.
        case rollback = 1
    }

    public init(memoryStart: UInt64, memoryEnd: UInt64, counterHz: UInt64, timerHz: UInt64,
                storageAddress: UInt64, storageSize: UInt64, updateStartCounter: UInt64, updateCounterHz: UInt64) {
        self.memoryStart = memoryStart
        self.memoryEnd = memoryEnd
        self.counterHz = counterHz
        self.timerHz = timerHz
        self.storageAddress = storageAddress
        self.storageSize = storageSize
        self.updateStartCounter = updateStartCounter
        self.updateCounterHz = updateCounterHz
    }

    private var fields: [(offset: Int, value: UInt64)] {
        [(Layout.memoryStart, memoryStart), (Layout.memoryEnd, memoryEnd), (Layout.counterHz, counterHz),
         (Layout.timerHz, timerHz), (Layout.storageAddress, storageAddress), (Layout.storageSize, storageSize),
         (Layout.rollbackAddress, rollbackAddress), (Layout.rollbackSize, rollbackSize),
         (Layout.updateStartCounter, updateStartCounter), (Layout.updateCounterHz, updateCounterHz),
         (Layout.stopCounter, stopCounter), (Layout.savedCounter, savedCounter), (Layout.handoverCounter, handoverCounter),
         (Layout.confirmWithin, confirmWithin), (Layout.rollbackCapacity, rollbackCapacity),
         (Layout.deviceMemoryAddress, deviceMemoryAddress), (Layout.deviceMemorySize, deviceMemorySize),
         (Layout.rollbackRegion, rollbackRegion), (Layout.candidateSize, candidateSize),
         (Layout.purpose, UInt64(purpose.rawValue) | UInt64(attempt) << 32)]
    }

    /// Writes all `size` bytes at `block`, the command line (without NUL) and the update record
    /// included.
    public func write(to block: UnsafeMutableRawPointer, commandLine: UnsafeRawBufferPointer,
                      record: UpdateRecord = UpdateRecord()) throws(SoftResetError) {
        guard commandLine.count <= Self.commandLineCapacity else { throw .commandLineTooLong(commandLine.count) }
        block.initializeMemory(as: UInt8.self, repeating: 0, count: Self.size)
        block.storeLE(Self.magic, at: Layout.magic)
        block.storeLE(Self.version, at: Layout.version)
        block.storeLE(UInt16(Self.size), at: Layout.size)
        block.storeLE(UInt32(commandLine.count), at: Layout.commandLineLength)
        for field in fields { block.storeLE(field.value, at: field.offset) }
        nic?.write(to: block)
        if let source = commandLine.baseAddress {
            (block + Layout.commandLine).copyMemory(from: source, byteCount: commandLine.count)
        }
        record.write(to: block + Layout.record)
        platform.write(to: block)
        block.storeLE(Self.checksum(UnsafeRawPointer(block), size: Self.size), at: Layout.checksum)
    }

    /// Validates the block at `block` (which must be readable for `size` bytes) and reads it.
    /// Allocation-free, so the new kernel can call it before its heap exists.
    public init(validating block: UnsafeRawPointer) throws(SoftResetError) {
        let magic = block.loadLE(at: Layout.magic, as: UInt32.self)
        guard magic == Self.magic else { throw .badMagic(magic) }
        let version = block.loadLE(at: Layout.version, as: UInt16.self)
        guard version == Self.version || version == 3 else { throw .unsupportedVersion(version) }
        let size = block.loadLE(at: Layout.size, as: UInt16.self)
        guard Int(size) == (version == 3 ? Self.version3Size : Self.size) else { throw .badSize(size) }
        let stored = block.loadLE(at: Layout.checksum, as: UInt32.self)
        let computed = Self.checksum(block, size: Int(size))
        guard stored == computed else { throw .checksumMismatch(stored: stored, computed: computed) }
        let length = Int(block.loadLE(at: Layout.commandLineLength, as: UInt32.self))
        guard length <= Self.commandLineCapacity else { throw .commandLineTooLong(length) }
        memoryStart = block.loadLE(at: Layout.memoryStart, as: UInt64.self)
        memoryEnd = block.loadLE(at: Layout.memoryEnd, as: UInt64.self)
        counterHz = block.loadLE(at: Layout.counterHz, as: UInt64.self)
        timerHz = block.loadLE(at: Layout.timerHz, as: UInt64.self)
        storageAddress = block.loadLE(at: Layout.storageAddress, as: UInt64.self)
        storageSize = block.loadLE(at: Layout.storageSize, as: UInt64.self)
        rollbackAddress = block.loadLE(at: Layout.rollbackAddress, as: UInt64.self)
        rollbackSize = block.loadLE(at: Layout.rollbackSize, as: UInt64.self)
        updateStartCounter = block.loadLE(at: Layout.updateStartCounter, as: UInt64.self)
        updateCounterHz = block.loadLE(at: Layout.updateCounterHz, as: UInt64.self)
        stopCounter = block.loadLE(at: Layout.stopCounter, as: UInt64.self)
        savedCounter = block.loadLE(at: Layout.savedCounter, as: UInt64.self)
        handoverCounter = block.loadLE(at: Layout.handoverCounter, as: UInt64.self)
        confirmWithin = block.loadLE(at: Layout.confirmWithin, as: UInt64.self)
        rollbackCapacity = block.loadLE(at: Layout.rollbackCapacity, as: UInt64.self)
        deviceMemoryAddress = block.loadLE(at: Layout.deviceMemoryAddress, as: UInt64.self)
        deviceMemorySize = block.loadLE(at: Layout.deviceMemorySize, as: UInt64.self)
        rollbackRegion = block.loadLE(at: Layout.rollbackRegion, as: UInt64.self)
        candidateSize = block.loadLE(at: Layout.candidateSize, as: UInt64.self)
        nic = NICHandover.read(from: block)
        attempt = block.loadLE(at: Layout.attempt, as: UInt32.self)
        platform = version == 3 ? PlatformDevices() : PlatformDevices(reading: block)
        guard memoryStart < memoryEnd, counterHz != 0, updateCounterHz != 0,
              rollbackSize <= rollbackCapacity / 2, candidateSize <= rollbackCapacity / 2,
              let purpose = Purpose(rawValue: block.loadLE(at: Layout.purpose, as: UInt32.self))
        else { throw .implausibleValues }
        self.purpose = purpose
    }

    /// The command line stored in a block that `init(validating:)` accepted.
    public static func commandLine(in block: UnsafeRawPointer) -> UnsafeRawBufferPointer {
        let length = min(Int(block.loadLE(at: Layout.commandLineLength, as: UInt32.self)), commandLineCapacity)
        return UnsafeRawBufferPointer(start: block + Layout.commandLine, count: length)
    }

    /// The update record stored in a block that `init(validating:)` accepted (it allocates:
    /// read it once the heap exists).
    public static func record(in block: UnsafeRawPointer) -> UpdateRecord {
        UpdateRecord(reading: block + Layout.record)
    }

    /// CRC32C of the block with the checksum field taken as zero.
    private static func checksum(_ block: UnsafeRawPointer, size: Int) -> UInt32 {
        BlockCRC32C.checksum(block, count: size, zeroed: Layout.checksum)
    }
}

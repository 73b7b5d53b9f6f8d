import LiveUpdate

/// The new kernel's side: recognise the hotswap stub's hand-over and take memory layout,
/// calibration, storage area and command line from the soft-reset block instead of the
/// loader and the slow calibration. Runs before the heap exists: allocates nothing.
enum SoftResetBoot {
    nonisolated(unsafe) private(set) static var block: SoftResetBlock? = nil
    /// Where the block lies (the hotswap window, untouched until the next hotswap).
    nonisolated(unsafe) private static var blockPointer: UnsafeRawPointer? = nil

    /// A pattern, not `block != nil`, which compared whole blocks (the Equatable `!=`).
    static var happened: Bool {
        guard case .some = block else { return false }
        return true
    }

    /// The block if `magic` says the hotswap stub started us and the block validates; nil
    /// for a loader's boot. A block that fails validation is reported, then the caller
    /// boots as from a loader: aarch64 still finds the DTB at the RAM base; x86 panics
    /// clearly, its registers holding no loader data.
    static func receive(magic: UInt, info: UInt) -> SoftResetBlock? {
        guard UInt32(truncatingIfNeeded: magic) == SoftResetBlock.registerMagic,
              let pointer = UnsafeRawPointer(bitPattern: info) else { return nil }
        do throws(SoftResetError) {
            let received = try SoftResetBlock(validating: pointer)
            let memory = PhysicalRange(start: received.memoryStart, end: received.memoryEnd)
            guard UInt(exactly: received.memoryEnd) != nil,
                  let storage = PhysicalRange(start: received.storageAddress, count: received.storageSize),
                  memory.contains(storage)
            else { throw .implausibleValues }
            BootArguments.copy(from: SoftResetBlock.commandLine(in: pointer))
            block = received
            blockPointer = pointer
            Console.hold()                  // until the service serves: output is downtime
            Console.write("soft reset: block at ")
            Console.writeHex(UInt64(info), digits: 8)
            Console.write(" valid")
            #if arch(x86_64)
            Console.write(x86_64EnteredInLongMode() ? ", entered in long mode" : ", entered through the 32-bit entry")
            #endif
            #if arch(x86_64) || arch(i386)
            if Arch.enteredWithAVXState { Console.write(", AVX stub") }   // short: held output costs downtime
            #endif
            Console.write("\n")
            return received
        } catch {
            Console.write("soft reset: block at ")
            Console.writeHex(UInt64(info), digits: 8)
            Console.write(" refused: ")
            Console.write(explanation(error))
            Console.write("; booting as from a loader\n")
            return nil
        }
    }

    /// The magic to hand the loader path: none when it was ours (the block was refused), so
    /// that aarch64 finds the DTB at the RAM base instead of reading the magic as its address.
    static func loaderMagic(_ magic: UInt) -> UInt {
        UInt32(truncatingIfNeeded: magic) == SoftResetBlock.registerMagic ? 0 : magic
    }

    static func bootInfo(_ block: SoftResetBlock) -> BootInfo {
        var boot = BootInfo()
        boot.usableStart = UInt(block.memoryStart)
        boot.usableEnd = UInt(block.memoryEnd)
        boot.usableBytes = block.memoryEnd - block.memoryStart
        return boot
    }

    static func adoptStorageArea(_ block: SoftResetBlock) -> UInt {
        StorageArea.adopt(start: UInt(block.storageAddress), size: Int(block.storageSize))
    }

    /// Once the heap exists: the update record the previous kernel handed on.
    static func adoptUpdateRecord() {
        if let blockPointer { UpdateHistory.adopt(SoftResetBlock.record(in: blockPointer)) }
    }

    static func calibration(_ block: SoftResetBlock) -> TimerCalibration {
        TimerCalibration(counterHz: block.counterHz, timerHz: block.timerHz)
    }

    private static func explanation(_ error: SoftResetError) -> StaticString {
        switch error {
        case .badMagic: "bad magic"
        case .unsupportedVersion: "unsupported version"
        case .badSize: "bad size"
        case .checksumMismatch: "checksum mismatch"
        case .commandLineTooLong: "command line too long"
        case .implausibleValues: "implausible values"
        }
    }
}

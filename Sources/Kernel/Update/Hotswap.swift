import LiveUpdate

/// The old kernel's side of an update: stop, save the state, validate the new image, hand
/// over in the soft-reset block, copy the stub low and jump to it.
enum Hotswap {
    typealias SaveHandler = (inout Storage) throws(StorageError) -> Void

    /// Run just before the block is written, once nothing else can fail: drivers describe
    /// their running devices for the next kernel (or stop them).
    nonisolated(unsafe) static var handOver: [(inout SoftResetBlock) -> Void] = []

    enum Failure: Error {
        case invalidImage(ELFError)
        case stateNotSaved(StorageError)
        case blockNotWritten(SoftResetError)
        case stubTooLarge
        case tooLargeForRollbackSlot(Int)
    }

    /// Stops the service (interrupts off: the downtime begins), saves its state with `save`
    /// and replaces the kernel with `image`. `updateStart` is the counter when the update
    /// began (the image arrived). Returns only on failure, with interrupts still off and
    /// the old kernel intact; the caller re-enables them and goes on.
    @inline(never)          // where `liu bench update --profile` starts counting
    static func update(to image: UnsafeRawBufferPointer, updateStart: UInt64, save: SaveHandler,
                       alterBlock: (UnsafeMutableRawPointer) -> Void = { _ in }) throws(Failure) -> Never {
        HotswapStub.prepare()
        Arch.disableInterrupts()
        var block = currentBlock(updateStart: updateStart)
        block.purpose = .update
        block.attempt = 1
        block.confirmWithin = Trial.confirmWithin
        block.stopCounter = Arch.counter()
        do throws(StorageError) {
            try LiveUpdate.store(at: StorageArea.pointer, limit: StorageArea.size, heap: StorageArea.heapRange, save)
        } catch { throw .stateNotSaved(error) }
        block.savedCounter = Arch.counter()
        handOverDevices(in: &block)
        try replaceKernel(with: image, block: block, alterBlock: alterBlock)
    }

    /// Lets every driver describe its running device in `block` (or stop it).
    static func handOverDevices(in block: inout SoftResetBlock) {
        for contribute in handOver { contribute(&block) }
    }

    /// The soft-reset block describing this kernel's memory, calibration and storage area.
    static func currentBlock(updateStart: UInt64) -> SoftResetBlock {
        var block = SoftResetBlock(
            memoryStart: UInt64(Kernel.boot.usableStart), memoryEnd: UInt64(Kernel.boot.usableEnd),
            counterHz: Kernel.calibration.counterHz, timerHz: Kernel.calibration.timerHz,
            storageAddress: UInt64(StorageArea.start), storageSize: UInt64(StorageArea.size),
            updateStartCounter: updateStart, updateCounterHz: Clock.counterHz)
        RollbackSlot.describe(in: &block)
        DeviceMemory.describe(in: &block)
        Arch.describePlatform(in: &block)
        return block
    }

    /// Hands over to `image` with `block` (devices already described in it). Never returns
    /// unless the image or the hand-over is refused. `image` must stay where it is (e.g. in the heap) until the stub has copied it.
    /// `alterBlock` lets a self-test damage the written block.
    static func replaceKernel(with image: UnsafeRawBufferPointer, block: SoftResetBlock,
                              alterBlock: (UnsafeMutableRawPointer) -> Void = { _ in }) throws(Failure) -> Never {
        Console.release()                   // a rollback from a kernel that held its output
        let kernelImage = try validate(image)
        let stubCode = HotswapStub.choose(for: kernelImage)
        guard stubCode.size <= HotswapWindow.stubCapacity else { throw .stubTooLarge }
        var block = block
        block.handoverCounter = Arch.counter()
        let refusal = BootArguments.withGivenBytes { commandLine -> SoftResetError? in
            do throws(SoftResetError) {
                try block.write(to: HotswapWindow.pointer(HotswapWindow.blockAddress), commandLine: commandLine,
                                record: UpdateHistory.forNextImage)
                return nil
            } catch { return error }
        }
        if let refusal { throw .blockNotWritten(refusal) }
        alterBlock(HotswapWindow.pointer(HotswapWindow.blockAddress))
        HotswapDescriptors.write(kernelImage, entry: stubCode.entry, imageAddress: UInt64(UInt(bitPattern: image.baseAddress)),
                                 block: UInt64(HotswapWindow.blockAddress), to: HotswapWindow.pointer(HotswapWindow.listAddress))
        let stub = HotswapWindow.pointer(HotswapWindow.stubAddress)
        stub.copyMemory(from: stubCode.code, byteCount: stubCode.size)
        Arch.disableInterrupts()
        hotswapEnter(HotswapWindow.pointer(HotswapWindow.listAddress), stub, HotswapWindow.base, UInt(HotswapWindow.size))
        panic("hotswap: the stub returned")
    }

    /// What `validate` protects, by the index of the range it passes.
    static func protectedRangeName(_ index: Int) -> StaticString {
        switch index {
        case 0: "the hotswap window"
        case 1: "the storage area"
        case 2: "the rollback region"
        case 3: "device memory"
        default: "the received image"
        }
    }

    /// Checks `image`, where it lies now, as a kernel for this architecture that the stub can
    /// load without overwriting the window, the storage area or the image itself.
    static func validate(_ image: UnsafeRawBufferPointer) throws(Failure) -> KernelImage {
        let imageStart = UInt64(UInt(bitPattern: image.baseAddress))
        let storage = PhysicalRange(start: UInt64(StorageArea.start), count: UInt64(StorageArea.size))!
        let constraints = ImageMemoryConstraints(
            ram: PhysicalRange(start: HotswapWindow.imageFloor, end: UInt64(Kernel.boot.usableEnd)),
            forbidden: [HotswapWindow.range, storage, RollbackSlot.range, DeviceMemory.range,
                        PhysicalRange(start: imageStart, count: UInt64(image.count))!])
        do throws(ELFError) {
            return try KernelImage(validating: image, architecture: .current, constraints: constraints)
        } catch { throw .invalidImage(error) }
    }
}

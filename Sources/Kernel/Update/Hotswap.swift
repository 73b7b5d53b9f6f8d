import LiveUpdate

/// The old kernel's side of an update: validate the new image, hand over in the soft-reset
/// block, copy the stub low and jump to it. State must already be in the storage area.
enum Hotswap {
    enum Failure: Error {
        case invalidImage(ELFError)
        case blockNotWritten(SoftResetError)
        case stubTooLarge
    }

    /// Never returns unless the image or the hand-over is refused. `image` must stay where
    /// it is (e.g. in the heap) until the stub has copied it; `updateStart` is the counter
    /// when the update began. `alterBlock` lets a self-test damage the written block.
    static func replaceKernel(
        with image: UnsafeRawBufferPointer, updateStart: UInt64,
        alterBlock: (UnsafeMutableRawPointer) -> Void = { _ in }
    ) throws(Failure) -> Never {
        let imageStart = UInt64(UInt(bitPattern: image.baseAddress))
        let kernelImage = try validate(image)
        guard Int(hotswapStubSize()) <= HotswapWindow.stubCapacity else { throw .stubTooLarge }

        let block = SoftResetBlock(
            memoryStart: UInt64(Kernel.boot.usableStart), memoryEnd: UInt64(Kernel.boot.usableEnd),
            counterHz: Kernel.calibration.counterHz, timerHz: Kernel.calibration.timerHz,
            storageAddress: UInt64(StorageArea.start), storageSize: UInt64(StorageArea.size),
            updateStartCounter: updateStart, updateCounterHz: Clock.counterHz)
        let refusal = BootArguments.withBytes { commandLine -> SoftResetError? in
            do throws(SoftResetError) {
                try block.write(to: HotswapWindow.pointer(HotswapWindow.blockAddress), commandLine: commandLine)
                return nil
            } catch { return error }
        }
        if let refusal { throw .blockNotWritten(refusal) }
        alterBlock(HotswapWindow.pointer(HotswapWindow.blockAddress))
        HotswapDescriptors.write(kernelImage, imageAddress: imageStart, block: UInt64(HotswapWindow.blockAddress),
                                 to: HotswapWindow.pointer(HotswapWindow.listAddress))
        let stub = HotswapWindow.pointer(HotswapWindow.stubAddress)
        stub.copyMemory(from: hotswapStubAddress(), byteCount: Int(hotswapStubSize()))
        Arch.disableInterrupts()
        hotswapEnter(HotswapWindow.pointer(HotswapWindow.listAddress), stub, HotswapWindow.base, UInt(HotswapWindow.size))
        panic("hotswap: the stub returned")
    }

    /// Checks `image`, where it lies now, as a kernel for this architecture that the stub can
    /// load without overwriting the window, the storage area or the image itself.
    static func validate(_ image: UnsafeRawBufferPointer) throws(Failure) -> KernelImage {
        let imageStart = UInt64(UInt(bitPattern: image.baseAddress))
        let storage = PhysicalRange(start: UInt64(StorageArea.start), count: UInt64(StorageArea.size))!
        let constraints = ImageMemoryConstraints(
            ram: PhysicalRange(start: HotswapWindow.imageFloor, end: UInt64(Kernel.boot.usableEnd)),
            forbidden: [HotswapWindow.range, storage, PhysicalRange(start: imageStart, count: UInt64(image.count))!])
        do throws(ELFError) {
            return try KernelImage(validating: image, architecture: .current, constraints: constraints)
        } catch { throw .invalidImage(error) }
    }
}

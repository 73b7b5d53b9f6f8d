import LiveUpdate

/// Two-phase commit of an update. A kernel started by an update is on trial: it keeps the
/// stored state valid and must `confirm()` within the deadline the old kernel set. Until then
/// any failure (CPU exception, panic, failed resume, heap exhausted, no confirmation: the
/// timer tick and, on x86, an NMI are the watchdogs) rolls back to the known-good image, with
/// the state when it is still valid. Its confirmation makes it the known-good image for the
/// next update (`RollbackSlot`). A kernel started by a rollback, or one on trial without a
/// known-good image, hard-resets instead, so the hypervisor boots its original image: a
/// failure never loops.
enum Trial {
    /// Default confirmation deadline after the new kernel's entry (`liu.confirm-ms=`).
    static let defaultConfirmMilliseconds: UInt64 = 5000

    nonisolated(unsafe) private(set) static var purpose: SoftResetBlock.Purpose? = nil
    nonisolated(unsafe) private static var deadline: UInt64? = nil
    nonisolated(unsafe) private static var attempt: UInt32 = 0
    /// Run once the trial is confirmed (e.g. to tell the client that pushed the image).
    nonisolated(unsafe) static var whenConfirmed: [() -> Void] = []

    /// This kernel came by an update or a rollback and has not confirmed yet.
    static var isPending: Bool { purpose != nil }

    /// Called at boot once the clock runs: arms the watchdogs when a block says so (the tick
    /// sees a hang with interrupts on; where the platform has one, an NMI sees a spin with
    /// interrupts off).
    static func begin(_ block: SoftResetBlock?) {
        guard let block else { return }
        purpose = block.purpose
        attempt = block.attempt
        guard block.confirmWithin > 0 else { return }
        deadline = block.confirmWithin
        _ = Arch.armHangWatchdog()
    }

    /// The confirmation deadline an update gives the next kernel, in ns after its entry.
    static var confirmWithin: UInt64 {
        (BootArguments.integer(for: "liu.confirm-ms") ?? defaultConfirmMilliseconds) * 1_000_000
    }

    /// The service serves: the update (or rollback) is committed, the kept state discarded.
    static func confirm() {
        guard let confirmed = purpose else { return }
        purpose = nil
        deadline = nil
        Arch.disarmHangWatchdog()
        LiveUpdate.discard(at: StorageArea.pointer, limit: StorageArea.size)
        if confirmed == .update {
            RollbackSlot.promoteCandidate()
            UpdateHistory.note(.confirmed, label: ImageVersion.label)
        }
        Console.write(confirmed == .update ? "update: confirmed\n" : "rollback: confirmed, running the known-good image\n")
        for action in whenConfirmed { action() }
        whenConfirmed = []
    }

    /// Called on every timer tick (after the interrupt was acknowledged).
    static func watchdogTick() {
        guard let deadline, Clock.now() >= deadline else { return }
        Trial.deadline = nil
        failed("no confirmation before the deadline")
    }

    /// The failure path: rolls back if this is an update on trial with a known-good image,
    /// hard-resets if it is on trial otherwise; returns for a kernel not on trial.
    /// `detail` (a panic's message) follows the reason in the log and in the rollback's verdict.
    static func failed(_ reason: StaticString, detail: StaticString? = nil) {
        guard let pending = purpose else { return }
        Arch.disableInterrupts()
        Arch.disarmHangWatchdog()
        Console.write("\ntrial failed: ")
        Console.write(reason)
        if let detail {
            Console.write(": ")
            Console.write(detail)
        }
        Console.newline()
        guard pending == .update, let image = RollbackSlot.image else {
            Console.write(pending == .update ? "no known-good image: hard reset\n" : "the rollback failed: hard reset\n")
            Arch.hardReset()
        }
        purpose = nil
        RollbackSlot.dropCandidate()
        rollBack(to: image, reason: reason, detail: detail)
    }

    /// Hotswaps to the known-good image. This kernel is abandoned, so once its drivers have
    /// described their devices (their objects live in the heap) the heap is reset: the failure
    /// may have been its exhaustion. The reason goes to the known-good image in the block.
    private static func rollBack(to image: UnsafeRawBufferPointer, reason: StaticString, detail: StaticString?) -> Never {
        var block = Hotswap.currentBlock(updateStart: Arch.counter())
        Hotswap.handOverDevices(in: &block)
        Memory.setUp(usableStart: Kernel.boot.usableStart, usableEnd: Memory.ramEnd)
        var text = TextBuilder(reason)
        if let detail {
            text.add(": ")
            text.add(detail)
        }
        UpdateHistory.note(.rolledBack, label: ImageVersion.label, reason: text.string)
        block.purpose = .rollback
        block.attempt = attempt
        block.confirmWithin = confirmWithin
        block.stopCounter = block.updateStartCounter
        block.savedCounter = block.updateStartCounter
        Console.write(LiveUpdate.isResumable(at: StorageArea.pointer, limit: StorageArea.size)
            ? "rolling back to the known-good image with the saved state\n"
            : "rolling back to the known-good image; the saved state is gone\n")
        do throws(Hotswap.Failure) {
            try Hotswap.replaceKernel(with: image, block: block)
        } catch {
            Console.write("rollback impossible: ")
            Console.write(error.reason)
            Console.write("; hard reset\n")
            Arch.hardReset()
        }
    }
}

/// Images that fail on purpose, for the rollback tests: `liu build --version fail-KIND` labels
/// a copy of the image that fails that way whenever a hotswap (update or rollback) starts it;
/// booted by a loader it behaves normally.
enum FaultInjection {
    enum Kind: CaseIterable {
        case exception, resume, hang, spin, heap

        var label: StaticString {
            switch self {
            case .exception: "fail-exception"
            case .resume: "fail-resume"
            case .hang: "fail-hang"
            case .spin: "fail-spin"
            case .heap: "fail-heap"
            }
        }
    }

    /// The failure this image was labelled with, if a hotswap started it.
    static var armed: Kind? {
        guard SoftResetBoot.happened else { return nil }
        return Kind.allCases.first { ImageVersion.hasLabel($0.label) }
    }

    /// Early in boot: a CPU exception, a hang with interrupts on or off, or a heap that grows
    /// until it meets the storage area.
    static func early() {
        switch armed {
        case .exception?: causeFault(.invalidInstruction)
        case .hang?: while true { Arch.waitForInterrupt() }
        case .spin?:
            Arch.disableInterrupts()
            while true { Arch.relax() }
        case .heap?:
            var hoard: [UnsafeMutableRawPointer] = []
            while let block = Memory.allocate(byteCount: 1 << 20, alignment: 16) { hoard.append(block) }
            panic("the heap grew into the storage area")
        case .resume?, nil: return
        }
    }

    /// Inside a service's resume handler.
    static func duringResume() {
        if armed == .resume { panic("the resume handler failed") }
    }
}

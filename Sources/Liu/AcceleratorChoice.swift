/// What decides whether KVM can run a target on this host; `here` reads them, tests inject them.
public struct KVMFacts: Equatable, Sendable {
    /// The host's architecture, for a person: "x86_64".
    public var host: String
    /// The targets of the host's own architecture family, the only ones KVM can run.
    public var nativeTargets: [KernelTarget]
    /// /dev/kvm exists and opens for reading and writing.
    public var deviceUsable: Bool
    /// KVM is kvm-pvm: no hardware virtualization, an instruction emulator after every exit
    /// that cannot run a 32-bit kernel with paging off (`QEMU.kvmIsSoftware`).
    public var software: Bool

    public init(host: String, nativeTargets: [KernelTarget], deviceUsable: Bool, software: Bool) {
        self.host = host
        self.nativeTargets = nativeTargets
        self.deviceUsable = deviceUsable
        self.software = software
    }

    public static var here: KVMFacts {
        #if arch(x86_64)
        let host = "x86_64"
        #elseif arch(arm64)
        let host = "aarch64"
        #else
        let host = "this"
        #endif
        return KVMFacts(host: host, nativeTargets: KernelTarget.allCases.filter(\.supportsKVMOnThisHost),
                        deviceUsable: QEMU.kvmUsable, software: QEMU.kvmIsSoftware)
    }

    /// Why KVM here cannot run `target`, or nil when it can (as `QEMU.kvmRuns`).
    public func whyKVMCannotRun(_ target: KernelTarget) -> String? {
        let reason: String
        if !nativeTargets.contains(target) {
            reason = "an \(host) host"
        } else if !deviceUsable {
            reason = "/dev/kvm missing or not accessible"
        } else if software && target == .i686 {
            reason = "kvm-pvm, no hardware virtualization"
        } else {
            return nil
        }
        return "KVM here cannot run \(target.rawValue) guests (\(reason))"
    }
}

/// The accelerator a command boots a target under, and the note that says why when it is not
/// the one a person would expect.
public struct AcceleratorChoice: Equatable, Sendable {
    public var accelerator: Accelerator
    /// One line for stderr, e.g. `liu: using TCG: KVM here cannot run i686 guests (…)`.
    public var note: String?

    /// `--kvm` is refused (before QEMU starts) where KVM cannot run the target; without
    /// `--kvm` or `--tcg`, KVM where it can run the target, else TCG with a note why.
    static func choose(_ requested: Accelerator?, for target: KernelTarget, facts: KVMFacts) throws(ToolFailure) -> AcceleratorChoice {
        let reason = facts.whyKVMCannotRun(target)
        switch requested {
        case .tcg?:
            return AcceleratorChoice(accelerator: .tcg)
        case .kvm?:
            if let reason { throw ToolFailure(description: "--kvm: \(reason); use --tcg") }
            return AcceleratorChoice(accelerator: .kvm)
        case nil:
            guard let reason else { return AcceleratorChoice(accelerator: .kvm) }
            return AcceleratorChoice(accelerator: .tcg, note: "liu: using TCG: \(reason)")
        }
    }
}

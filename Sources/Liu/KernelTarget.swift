import LiveUpdate

/// The kernel targets `liu` builds and boots.
public enum KernelTarget: String, CaseIterable, Sendable {
    case i686
    case x86_64
    case aarch64

    public var triple: String {
        switch self {
        case .i686: "i686-unknown-none-elf"
        case .x86_64: "x86_64-unknown-none-elf"
        case .aarch64: "aarch64-none-none-elf"
        }
    }

    /// Folders under Sources/Kernel/Arch whose sources go into this target's image.
    var archFolders: [String] {
        switch self {
        case .i686: ["x86", "i686"]
        case .x86_64: ["x86", "x86_64"]
        case .aarch64: ["aarch64"]
        }
    }

    /// x86 kernels use general registers only: no SSE state to save in interrupt handlers
    /// or across a soft reset, and the KVM instruction emulator here (kvm-pvm batch emulation
    /// after I/O exits) cannot execute SSE instructions.
    var codeGenerationFlags: [String] {
        switch self {
        case .i686, .x86_64: ["-Xcc", "-mno-sse", "-Xcc", "-mno-sse2", "-Xcc", "-mno-mmx"]
        case .aarch64: []
        }
    }

    /// x86 images carry no x87 or SSE code (`codeGenerationFlags`); `liu build` checks services.
    /// The ELF architecture of its images.
    public var architecture: ImageArchitecture {
        switch self {
        case .i686: .i386
        case .x86_64: .x86_64
        case .aarch64: .aarch64
        }
    }

    var forbidsFloatingPoint: Bool { self != .aarch64 }

    var linkerEmulation: String {
        switch self {
        case .i686: "elf_i386"
        case .x86_64: "elf_x86_64"
        case .aarch64: "aarch64elf"
        }
    }

    /// The Debian package with this target's QEMU (the program is named in `qemu/TARGET-MACHINE.args`).
    public var qemuPackage: String {
        self == .aarch64 ? "qemu-system-arm" : "qemu-system-x86"
    }

    public var machines: [Machine] {
        switch self {
        case .i686, .x86_64: [.pc, .microvm]
        case .aarch64: [.virt]
        }
    }

    /// KVM runs only guests of the host's own architecture family.
    public var supportsKVMOnThisHost: Bool {
        #if arch(x86_64)
        return self != .aarch64
        #elseif arch(arm64)
        return self == .aarch64
        #else
        return false
        #endif
    }
}

public enum Machine: String, CaseIterable, Sendable {
    case pc
    case microvm
    case virt
}

public enum Accelerator: String, Sendable {
    case tcg
    case kvm
}

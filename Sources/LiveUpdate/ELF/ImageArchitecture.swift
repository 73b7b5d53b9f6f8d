/// The architectures a kernel image can be built for, with the ELF identification each needs.
public enum ImageArchitecture: Sendable, CaseIterable {
    case i386
    case x86_64
    case aarch64

    /// `e_machine`: EM_386, EM_X86_64, EM_AARCH64.
    public var machine: UInt16 {
        switch self {
        case .i386: 3
        case .x86_64: 62
        case .aarch64: 183
        }
    }

    /// `e_ident[EI_CLASS]`: ELFCLASS32 for i386, ELFCLASS64 for the others.
    public var elfClass: UInt8 { self == .i386 ? 1 : 2 }

    /// The architecture this code runs on.
    public static var current: ImageArchitecture {
        #if arch(i386)
        .i386
        #elseif arch(arm64)
        .aarch64
        #else
        .x86_64
        #endif
    }
}

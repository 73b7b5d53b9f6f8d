import Foundation

/// One boot of a kernel image in QEMU, with the serial console captured.
public struct QEMUConfiguration: Sendable {
    public var target: KernelTarget
    public var machine: Machine
    public var accelerator: Accelerator
    public var image: URL
    public var commandLine: String = ""
    public var memoryMiB = 256
    /// With `false`, a guest reset (triple fault, hard reset) ends QEMU instead of rebooting.
    public var allowReboot = false
    public var extraArguments: [String] = []

    public init(target: KernelTarget, machine: Machine, accelerator: Accelerator, image: URL) {
        self.target = target
        self.machine = machine
        self.accelerator = accelerator
        self.image = image
    }

    public var arguments: [String] {
        var arguments = ["-M", machine.rawValue, "-m", "\(memoryMiB)M", "-kernel", image.path,
                         "-display", "none", "-serial", "stdio", "-monitor", "none", "-nodefaults"]
        switch accelerator {
        // arch-capabilities off: nested KVM hosts may refuse to set that MSR (QEMU aborts).
        case .kvm: arguments += ["-accel", "kvm", "-cpu", "host,-arch-capabilities"]
        case .tcg: arguments += ["-accel", "tcg", "-cpu", "max"]
        }
        switch target {
        case .i686, .x86_64:
            arguments += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        case .aarch64:
            arguments += ["-semihosting-config", "enable=on,target=native"]
        }
        if !commandLine.isEmpty { arguments += ["-append", commandLine] }
        if !allowReboot { arguments.append("-no-reboot") }
        return arguments + extraArguments
    }
}

/// How a guest ended, decoded from QEMU's exit code.
public enum GuestExit: Equatable, Sendable, CustomStringConvertible {
    /// The kernel reported a status (isa-debug-exit on x86, semihosting on ARM).
    case status(UInt8)
    /// QEMU stopped without a status: a reset with -no-reboot, or a power-off.
    case resetOrPowerOff
    /// QEMU itself failed (bad arguments, missing device, image not loadable).
    case qemuFailed(Int32)
    case timedOut

    public var description: String {
        switch self {
        case .status(let status): "exit status \(status)"
        case .resetOrPowerOff: "reset or power-off without a status"
        case .qemuFailed(let code): "QEMU failed (exit code \(code))"
        case .timedOut: "timed out"
        }
    }

    /// Every target's kernel makes QEMU exit with 2 * status + 3 (isa-debug-exit on x86,
    /// semihosting on ARM); 0 is a power-off or a reset under -no-reboot, 1 QEMU's failure.
    static func decode(qemuExitCode code: Int32) -> GuestExit {
        if code == 0 { return .resetOrPowerOff }
        if code >= 3 && code <= 255 && code % 2 == 1 { return .status(UInt8((code - 3) / 2)) }
        return .qemuFailed(code)
    }
}

public struct QEMURun: Sendable {
    public var exit: GuestExit
    public var serialOutput: String
    public var seconds: Double
}

public enum QEMU {
    /// Whether this machine can run KVM guests (the device exists and opens).
    public static var kvmUsable: Bool {
        FileManager.default.isReadableFile(atPath: "/dev/kvm") && FileManager.default.isWritableFile(atPath: "/dev/kvm")
    }

    /// kvm-pvm is a KVM without hardware virtualization: after every exit it emulates the
    /// next instructions in software, and its emulator cannot execute SSE, SSE4.2 CRC32, a
    /// protected-mode IRET or a triple fault. 64-bit paged guests mostly run; a 32-bit kernel
    /// with paging off is emulated throughout and fails at its first interrupt return.
    public static var kvmIsSoftware: Bool {
        FileManager.default.fileExists(atPath: "/sys/module/kvm_pvm")
    }

    /// Whether KVM can boot `target` here.
    public static func kvmRuns(_ target: KernelTarget) -> Bool {
        target.supportsKVMOnThisHost && kvmUsable && !(kvmIsSoftware && target == .i686)
    }

    /// Boots and waits for the guest to end or for `timeout`, killing QEMU then. Serial output
    /// is captured; with `echo`, it is also copied to standard output as it arrives.
    public static func run(_ configuration: QEMUConfiguration, timeout: Double, echo: Bool = false) throws -> QEMURun {
        guard let executable = try? Shell.locate(configuration.target.qemuBinary) else {
            throw ToolFailure(description: "\(configuration.target.qemuBinary) not found on PATH: install the Debian package \(configuration.target.qemuPackage)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = configuration.arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let collected = OutputCollector(echo: echo)
        pipe.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
        let started = Date()
        try process.run()
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            process.waitUntilExit()
            finished.signal()
        }
        var timedOut = false
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            if finished.wait(timeout: .now() + 2) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
        }
        pipe.fileHandleForReading.readabilityHandler = nil
        collected.append(pipe.fileHandleForReading.readDataToEndOfFile())
        let exit = timedOut ? GuestExit.timedOut
            : GuestExit.decode(qemuExitCode: process.terminationStatus)
        return QEMURun(exit: exit, serialOutput: collected.text, seconds: Date().timeIntervalSince(started))
    }
}

/// Gathers output from the reader thread.
private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let echo: Bool

    init(echo: Bool) { self.echo = echo }

    func append(_ chunk: Data) {
        guard !chunk.isEmpty else { return }
        lock.lock()
        data.append(chunk)
        lock.unlock()
        if echo { FileHandle.standardOutput.write(chunk) }
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}

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
    /// Under TCG, QEMU's instruction counter: the guest's clock advances 1 ns per instruction,
    /// so the kernel's own timers count instructions (`instructionCounting`).
    public var countsInstructions = false
    /// `-icount shift=0`: one instruction a nanosecond; `align=off,sleep=off`: never waits for
    /// the host clock, and idle time jumps ahead (outside any measured window here).
    public static let instructionCounting = ["-icount", "shift=0,align=off,sleep=off"]
    /// A virtio network card on QEMU user networking (`UserNetwork`) or a tap device
    /// (`TapNetwork`), or none.
    public var network: (any GuestNetwork)?
    /// A command QEMU is started under, e.g. `["ip", "netns", "exec", "NAME"]` to run it in a
    /// network namespace; it must exec QEMU so that stopping it stops QEMU.
    public var launchPrefix: [String] = []
    /// Whether KVM here is kvm-pvm (`QEMU.kvmIsSoftware`); settable for tests.
    public var kvmIsSoftware = QEMU.kvmIsSoftware

    public init(target: KernelTarget, machine: Machine, accelerator: Accelerator, image: URL) {
        self.target = target
        self.machine = machine
        self.accelerator = accelerator
        self.image = image
    }

    /// The folder with the flags per target and machine (`qemu/`, see `QEMUMachineFlags`);
    /// nil: the package's, found by `QEMUFolder.locate()`.
    public var qemuFolder: URL?

    /// The flags for this target and machine, from `qemu/TARGET-MACHINE.args`.
    public func machineFlags() throws(QEMUFlagsError) -> QEMUMachineFlags {
        try QEMUFolder.load(target, machine, from: qemuFolder != nil ? qemuFolder! : QEMUFolder.locate())
    }

    /// QEMU's arguments: the machine's flags from `qemu/` under this accelerator, then the kernel
    /// command line, `-no-reboot`, the network card, the instruction counter and `extraArguments`; a missing or malformed
    /// flags file throws, naming the file and line.
    public func makeArguments() throws(QEMUFlagsError) -> [String] {
        arguments(flags: try machineFlags())
    }

    func arguments(flags: QEMUMachineFlags) -> [String] {
        var arguments = flags.arguments(accelerator: accelerator, memoryMiB: memoryMiB, kernel: image.path)
        if !kernelCommandLine.isEmpty { arguments += ["-append", kernelCommandLine] }
        if !allowReboot { arguments.append("-no-reboot") }
        if let network { arguments += network.arguments(card: flags.nic) }
        if countsInstructions && accelerator == .tcg { arguments += Self.instructionCounting }
        return arguments + extraArguments
    }

    /// `makeArguments()`; a missing or malformed flags file stops the program with its error
    /// (`QEMU.start` checks them first and throws instead).
    public var arguments: [String] {
        do { return try makeArguments() } catch { fatalError("\(error)") }
    }

    /// `commandLine`, plus `crc32c=software` under kvm-pvm: its instruction emulator cannot run
    /// the CRC32 instruction, and the guest sees the host's CPUID, which offers it.
    public var kernelCommandLine: String {
        guard accelerator == .kvm, kvmIsSoftware, target != .aarch64 else { return commandLine }
        return (commandLine + " crc32c=software").trimmingCharacters(in: .whitespaces)
    }
}

/// A QEMU network backend behind the guest's one virtio-net card (the machine's `nic:` in
/// `qemu/`: virtio-net-pci on pc, virtio-net-device (virtio-mmio) on microvm and virt).
public protocol GuestNetwork: Sendable {
    /// The `-netdev` value, with `id=net0`.
    var netdev: String { get }
}

extension GuestNetwork {
    func arguments(card: String) -> [String] {
        ["-netdev", netdev, "-device", "\(card),netdev=net0"]
    }
}

/// QEMU user networking: the guest is 10.0.2.15 behind a NAT at 10.0.2.2.
public struct UserNetwork: GuestNetwork {
    /// Host ports on 127.0.0.1 forwarded to guest ports.
    public var forwards: [PortForward]

    public struct PortForward: Sendable {
        public enum Transport: String, Sendable { case tcp, udp }
        public var transport: Transport
        /// The host address QEMU listens on (127.0.0.1 unless told).
        public var hostAddress: String
        public var hostPort: UInt16
        public var guestPort: UInt16
        public init(_ transport: Transport, hostAddress: String = "127.0.0.1", hostPort: UInt16, guestPort: UInt16) {
            self.transport = transport
            self.hostAddress = hostAddress
            self.hostPort = hostPort
            self.guestPort = guestPort
        }
    }

    public init(forwards: [PortForward] = []) { self.forwards = forwards }

    public var netdev: String {
        (["user", "id=net0"] + forwards.map { "hostfwd=\($0.transport.rawValue):\($0.hostAddress):\($0.hostPort)-:\($0.guestPort)" })
            .joined(separator: ",")
    }
}

/// An existing tap interface (created and configured by the caller, in QEMU's network namespace).
public struct TapNetwork: GuestNetwork {
    public var interface: String

    public init(interface: String) { self.interface = interface }

    public var netdev: String { "tap,id=net0,ifname=\(interface),script=no,downscript=no" }
}

/// Frames as UDP datagrams on 127.0.0.1: QEMU receives on `localPort` and sends to `remotePort`,
/// where another program carries them on (e.g. a link simulator).
public struct DatagramNetwork: GuestNetwork {
    public var localPort: UInt16
    public var remotePort: UInt16

    public init(localPort: UInt16, remotePort: UInt16) {
        self.localPort = localPort
        self.remotePort = remotePort
    }

    public var netdev: String {
        "dgram,id=net0,local.type=inet,local.host=127.0.0.1,local.port=\(localPort),"
            + "remote.type=inet,remote.host=127.0.0.1,remote.port=\(remotePort)"
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
        let instance = try start(configuration, echo: echo)
        _ = instance.waitForExit(timeout: timeout)
        return instance.stop()
    }

    /// Boots in the background, for tests that talk to the guest while it runs; `stop()` ends it.
    /// Starts QEMU; with `echo`, the serial console goes to stdout as well, each line after
    /// `echoPrefix` when given.
    public static func start(_ configuration: QEMUConfiguration, echo: Bool = false, echoPrefix: String? = nil) throws -> QEMUInstance {
        let flags: QEMUMachineFlags
        do {
            flags = try configuration.machineFlags()
        } catch {
            throw ToolFailure(description: "QEMU's flags: \(error)")
        }
        guard let executable = try? Shell.locate(flags.binary) else {
            throw ToolFailure(description: "\(flags.binary) not found on PATH: install the Debian package \(configuration.target.qemuPackage)")
        }
        let qemuArguments = configuration.arguments(flags: flags)
        guard let prefix = configuration.launchPrefix.first else {
            return try QEMUInstance(executable: executable, arguments: qemuArguments, echo: echo, echoPrefix: echoPrefix)
        }
        let launcher = try Shell.locate(prefix)
        let arguments = configuration.launchPrefix.dropFirst() + [executable] + qemuArguments
        return try QEMUInstance(executable: launcher, arguments: Array(arguments), echo: echo, echoPrefix: echoPrefix)
    }
}

/// A running QEMU process with its serial output collected.
public final class QEMUInstance: @unchecked Sendable {
    private let process = Process()
    private let pipe = Pipe()
    private let collected: OutputCollector
    private let started = Date()

    /// Starts QEMU so that it dies with liu, however liu ends (even SIGKILL or a test runner's
    /// time limit): `setpriv --pdeathsig KILL` sets Linux's parent-death signal and execs QEMU.
    /// Linux sends it when the thread that started the child ends, so children are started
    /// from one thread that lives as long as liu.
    fileprivate init(executable: String, arguments: [String], echo: Bool, echoPrefix: String?) throws {
        collected = OutputCollector(echo: echo, prefix: echoPrefix)
        process.executableURL = URL(fileURLWithPath: try Shell.locate("setpriv"))
        process.arguments = ["--pdeathsig", "KILL", "--", executable] + arguments
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let collected = collected
        pipe.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
        let process = process
        try SpawningThread.shared.perform { try process.run() }
    }

    /// Serial output so far.
    public var serialOutput: String { collected.text }

    public var isRunning: Bool { process.isRunning }

    /// Waits until the serial output contains `text`; false when QEMU ended or time ran out.
    public func waitForOutput(_ text: String, timeout: Double) -> Bool {
        waitForOutput(text, occurrences: 1, timeout: timeout)
    }

    /// Waits until the console has printed `text` at least `occurrences` times; false when it
    /// has not after `timeout` seconds.
    public func waitForOutput(_ text: String, occurrences: Int, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        let printed = { self.serialOutput.components(separatedBy: text).count - 1 >= occurrences }
        while Date() < deadline {
            if printed() { return true }
            if !process.isRunning { return printed() }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Waits for QEMU to end by itself; false when it still runs after `timeout` seconds.
    public func waitForExit(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return !process.isRunning
    }

    /// Ends QEMU (SIGTERM, then SIGKILL after 2 s) unless it already ended, and reports the run;
    /// a guest that had to be stopped counts as timed out.
    public func stop() -> QEMURun {
        let timedOut = process.isRunning
        if timedOut {
            process.terminate()
            if !waitForExit(timeout: 2) { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        pipe.fileHandleForReading.readabilityHandler = nil
        collected.append(pipe.fileHandleForReading.readDataToEndOfFile())
        let exit = timedOut ? GuestExit.timedOut : GuestExit.decode(qemuExitCode: process.terminationStatus)
        return QEMURun(exit: exit, serialOutput: collected.text, seconds: Date().timeIntervalSince(started))
    }
}

/// Gathers output from the reader thread.
private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let echo: Bool
    /// Put before every echoed line, when set (the guest's console apart from liu's own lines).
    private let prefix: Data?
    private var partialLine = Data()

    init(echo: Bool, prefix: String?) {
        self.echo = echo
        self.prefix = prefix.map { Data($0.utf8) }
    }

    func append(_ chunk: Data) {
        guard !chunk.isEmpty else { return }
        lock.lock()
        data.append(chunk)
        let lines = echo ? linesToEcho(chunk) : Data()
        lock.unlock()
        if !lines.isEmpty { FileHandle.standardOutput.write(lines) }
    }

    /// `chunk` as it is, or its complete lines with the prefix (the rest waits for its end).
    private func linesToEcho(_ chunk: Data) -> Data {
        guard let prefix else { return chunk }
        partialLine.append(chunk)
        var out = Data()
        while let end = partialLine.firstIndex(of: UInt8(ascii: "\n")) {
            let line = partialLine[partialLine.startIndex..<end].filter { $0 != UInt8(ascii: "\r") }
            out.append(prefix)
            out.append(contentsOf: line)
            out.append(UInt8(ascii: "\n"))
            partialLine = Data(partialLine[(end + 1)...])
        }
        return out
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}

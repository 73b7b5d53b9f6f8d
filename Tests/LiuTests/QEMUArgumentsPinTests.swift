import Foundation
@testable import Liu
import Testing

/// The exact QEMU command lines liu passes for every target and machine under both
/// accelerators, written out by hand from what `QEMUConfiguration.arguments` produced before the
/// flags moved to `qemu/`: reading them from the files must not change a single argument.
@Suite("QEMU argument lists, pinned")
struct QEMUArgumentsPinTests {
    struct Pair: CustomTestStringConvertible, Sendable {
        let target: KernelTarget
        let machine: Machine
        var testDescription: String { "\(target.rawValue) \(machine.rawValue)" }
    }

    static let pairs = [Pair(target: .i686, machine: .pc), Pair(target: .i686, machine: .microvm),
                        Pair(target: .x86_64, machine: .pc), Pair(target: .x86_64, machine: .microvm),
                        Pair(target: .aarch64, machine: .virt)]

    static let image = "/images/kernel.elf"

    /// Today's lists without network and with the default `-no-reboot` left out, per target,
    /// machine and accelerator, for 256 MiB and `image`.
    static func base(_ pair: Pair, _ accelerator: Accelerator) -> [String] {
        switch (pair.target, pair.machine, accelerator) {
        case (.i686, .pc, .tcg):
            ["-M", "pc", "-m", "256M", "-kernel", image, "-display", "none", "-serial", "stdio", "-monitor", "none",
             "-nodefaults", "-accel", "tcg", "-cpu", "max", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        case (.i686, .pc, .kvm):
            ["-M", "pc", "-m", "256M", "-kernel", image, "-display", "none", "-serial", "stdio", "-monitor", "none",
             "-nodefaults", "-accel", "kvm", "-cpu", "host,-arch-capabilities", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
             "-global", "kvm-pit.lost_tick_policy=discard"]
        case (.i686, .microvm, .tcg):
            ["-M", "microvm", "-m", "256M", "-kernel", image, "-display", "none", "-serial", "stdio", "-monitor", "none",
             "-nodefaults", "-accel", "tcg", "-cpu", "max", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        case (.i686, .microvm, .kvm):
            ["-M", "microvm", "-m", "256M", "-kernel", image, "-display", "none", "-serial", "stdio", "-monitor", "none",
             "-nodefaults", "-accel", "kvm", "-cpu", "host,-arch-capabilities", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
             "-global", "kvm-pit.lost_tick_policy=discard"]
        case (.x86_64, .pc, .tcg):
            ["-M", "pc", "-m", "256M", "-kernel", image, "-display", "none", "-serial", "stdio", "-monitor", "none",
             "-nodefaults", "-accel", "tcg", "-cpu", "max", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        case (.x86_64, .pc, .kvm):
            ["-M", "pc", "-m", "256M", "-kernel", image, "-display", "none", "-serial", "stdio", "-monitor", "none",
             "-nodefaults", "-accel", "kvm", "-cpu", "host,-arch-capabilities", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
             "-global", "kvm-pit.lost_tick_policy=discard"]
        case (.x86_64, .microvm, .tcg):
            ["-M", "microvm", "-m", "256M", "-kernel", image, "-display", "none", "-serial", "stdio", "-monitor", "none",
             "-nodefaults", "-accel", "tcg", "-cpu", "max", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        case (.x86_64, .microvm, .kvm):
            ["-M", "microvm", "-m", "256M", "-kernel", image, "-display", "none", "-serial", "stdio", "-monitor", "none",
             "-nodefaults", "-accel", "kvm", "-cpu", "host,-arch-capabilities", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
             "-global", "kvm-pit.lost_tick_policy=discard"]
        case (.aarch64, .virt, .tcg):
            ["-M", "virt", "-m", "256M", "-kernel", image, "-display", "none", "-serial", "stdio", "-monitor", "none",
             "-nodefaults", "-accel", "tcg", "-cpu", "max", "-semihosting-config", "enable=on,target=native"]
        case (.aarch64, .virt, .kvm):
            ["-M", "virt", "-m", "256M", "-kernel", image, "-display", "none", "-serial", "stdio", "-monitor", "none",
             "-nodefaults", "-accel", "kvm", "-cpu", "host,-arch-capabilities", "-semihosting-config", "enable=on,target=native"]
        default:
            []
        }
    }

    static func card(_ machine: Machine) -> String {
        switch machine {
        case .pc: "virtio-net-pci,netdev=net0"
        case .microvm, .virt: "virtio-net-device,netdev=net0"
        }
    }

    func configuration(_ pair: Pair, _ accelerator: Accelerator) -> QEMUConfiguration {
        var configuration = QEMUConfiguration(target: pair.target, machine: pair.machine, accelerator: accelerator,
                                              image: URL(fileURLWithPath: Self.image))
        configuration.kvmIsSoftware = false
        return configuration
    }

    @Test("without network: the base list and -no-reboot", arguments: pairs, [Accelerator.tcg, .kvm])
    func plain(_ pair: Pair, _ accelerator: Accelerator) {
        #expect(!Self.base(pair, accelerator).isEmpty)
        #expect(configuration(pair, accelerator).arguments == Self.base(pair, accelerator) + ["-no-reboot"])
    }

    @Test("without network, reboot allowed", arguments: pairs, [Accelerator.tcg, .kvm])
    func rebootAllowed(_ pair: Pair, _ accelerator: Accelerator) {
        var configuration = configuration(pair, accelerator)
        configuration.allowReboot = true
        #expect(configuration.arguments == Self.base(pair, accelerator))
    }

    @Test("with user networking and -no-reboot", arguments: pairs, [Accelerator.tcg, .kvm])
    func network(_ pair: Pair, _ accelerator: Accelerator) {
        var configuration = configuration(pair, accelerator)
        configuration.network = UserNetwork(forwards: [.init(.tcp, hostPort: 5555, guestPort: 8), .init(.udp, hostPort: 5556, guestPort: 7)])
        #expect(configuration.arguments == Self.base(pair, accelerator) + [
            "-no-reboot", "-netdev", "user,id=net0,hostfwd=tcp:127.0.0.1:5555-:8,hostfwd=udp:127.0.0.1:5556-:7",
            "-device", Self.card(pair.machine),
        ])
    }

    @Test("with a tap network, reboot allowed", arguments: pairs, [Accelerator.tcg, .kvm])
    func networkRebootAllowed(_ pair: Pair, _ accelerator: Accelerator) {
        var configuration = configuration(pair, accelerator)
        configuration.allowReboot = true
        configuration.network = TapNetwork(interface: "tap7")
        #expect(configuration.arguments == Self.base(pair, accelerator) + [
            "-netdev", "tap,id=net0,ifname=tap7,script=no,downscript=no", "-device", Self.card(pair.machine),
        ])
    }

    @Test("memory, command line and extra arguments go where they went", arguments: pairs, [Accelerator.tcg, .kvm])
    func everything(_ pair: Pair, _ accelerator: Accelerator) {
        var configuration = configuration(pair, accelerator)
        configuration.memoryMiB = 512
        configuration.commandLine = "ip=dhcp test=heap"
        configuration.network = UserNetwork()
        configuration.extraArguments = ["-s", "-S"]
        var expected = Self.base(pair, accelerator)
        expected[3] = "512M"
        expected += ["-append", "ip=dhcp test=heap", "-no-reboot", "-netdev", "user,id=net0", "-device", Self.card(pair.machine), "-s", "-S"]
        #expect(configuration.arguments == expected)
    }

    @Test("under kvm-pvm x86 kernels get crc32c=software on their command line", arguments: pairs)
    func kvmPVM(_ pair: Pair) {
        var configuration = configuration(pair, .kvm)
        configuration.kvmIsSoftware = true
        let crc = pair.target == .aarch64 ? [] : ["-append", "crc32c=software"]
        #expect(configuration.arguments == Self.base(pair, .kvm) + crc + ["-no-reboot"])
    }
}

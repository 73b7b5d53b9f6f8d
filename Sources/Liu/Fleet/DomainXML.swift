import Foundation

/// The libvirt domain of a fleet guest: the QEMU that `liu run` would start (the flags of
/// `qemu/TARGET-MACHINE.args`), said in domain XML where libvirt can say it (machine, memory,
/// CPU, direct kernel boot, serial console to a file, `on_reboot=restart`) and passed through
/// `<qemu:commandline>` where it cannot: the exit device, the kernel's KVM settings, and QEMU
/// user networking with its host forwards (libvirt 9.0 forwards ports only through passt).
public struct DomainXML: Sendable {
    public var name: String
    public var guest: FleetGuest
    public var accelerator: Accelerator
    public var flags: QEMUMachineFlags
    /// The emulator's full path (`flags.binary` found on PATH).
    public var emulator: String
    public var console: URL
    /// Under kvm-pvm x86 kernels get `crc32c=software` (`QEMUConfiguration.kernelCommandLine`).
    public var kvmIsSoftware = QEMU.kvmIsSoftware

    /// QEMU flags the XML states itself, each with the value that follows it.
    static let flagsWithValueInXML: Set<String> = ["-M", "-machine", "-m", "-kernel", "-display", "-serial", "-monitor", "-accel", "-cpu"]
    /// Flags libvirt always gives.
    static let flagsInXML: Set<String> = ["-nodefaults"]

    /// The QEMU arguments of `flags` that the XML does not state, in order.
    var passedThrough: [String] {
        let arguments = flags.arguments(accelerator: accelerator, memoryMiB: guest.memoryMiB, kernel: guest.image.path)
        var kept: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if Self.flagsWithValueInXML.contains(argument) {
                index += 2
                continue
            }
            if !Self.flagsInXML.contains(argument) { kept.append(argument) }
            index += 1
        }
        return kept + UserNetwork(forwards: guest.forwards.map(\.forward)).arguments(card: flags.nic)
    }

    /// The value after `flag` in `flags` under the accelerator, e.g. `max` for `-cpu`.
    func value(of flag: String) -> String? {
        let arguments = flags.arguments(accelerator: accelerator, memoryMiB: guest.memoryMiB, kernel: guest.image.path)
        guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    /// `-cpu max` as `mode='maximum'`, `-cpu host,-FEATURE,…` as host-passthrough with those
    /// features off, another model by name.
    var cpu: String {
        guard let model = value(of: "-cpu") else { return "" }
        let parts = model.split(separator: ",").map(String.init)
        switch parts[0] {
        case "max": return "  <cpu mode='maximum'/>\n"
        case "host":
            let features = parts.dropFirst().filter { $0.hasPrefix("-") }
                .map { "    <feature policy='disable' name='\(Self.escape(String($0.dropFirst())))'/>\n" }
            return "  <cpu mode='host-passthrough'>\n" + features.joined() + "  </cpu>\n"
        default: return "  <cpu mode='custom'><model>\(Self.escape(parts[0]))</model></cpu>\n"
        }
    }

    var architecture: String {
        switch guest.target {
        case .i686: "i686"
        case .x86_64: "x86_64"
        case .aarch64: "aarch64"
        }
    }

    var commandLine: String {
        var configuration = QEMUConfiguration(target: guest.target, machine: guest.machine, accelerator: accelerator, image: guest.image)
        configuration.commandLine = guest.commandLine
        configuration.kvmIsSoftware = kvmIsSoftware
        return configuration.kernelCommandLine
    }

    /// The domain's XML.
    public var text: String {
        let features = guest.target == .aarch64 ? "  <features>\n    <gic version='2'/>\n  </features>\n" : ""
        let commandLineElement = commandLine.isEmpty ? "" : "    <cmdline>\(Self.escape(commandLine))</cmdline>\n"
        // x86 machines get no USB controller (microvm has no PCI bus for it).
        let usb = guest.target == .aarch64 ? "" : "    <controller type='usb' model='none'/>\n"
        return """
            <domain type='\(accelerator == .kvm ? "kvm" : "qemu")' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
              <name>\(Self.escape(name))</name>
              <memory unit='MiB'>\(guest.memoryMiB)</memory>
              <vcpu>1</vcpu>
              <os>
                <type arch='\(architecture)' machine='\(guest.machine.rawValue)'>hvm</type>
                <kernel>\(Self.escape(guest.image.path))</kernel>
            \(commandLineElement)  </os>
            \(features)\(cpu)  <on_poweroff>destroy</on_poweroff>
              <on_reboot>restart</on_reboot>
              <on_crash>destroy</on_crash>
              <devices>
                <emulator>\(Self.escape(emulator))</emulator>
                <serial type='file'>
                  <source path='\(Self.escape(console.path))'/>
                </serial>
            \(usb)    <memballoon model='none'/>
              </devices>
              <qemu:commandline>

            """ + passedThrough.map { "    <qemu:arg value='\(Self.escape($0))'/>\n" }.joined() + """
              </qemu:commandline>
            </domain>

            """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "'", with: "&apos;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}

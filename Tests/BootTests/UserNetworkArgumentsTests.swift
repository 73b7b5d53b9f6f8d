import Foundation
import Liu
import Testing

/// The QEMU arguments a `UserNetwork` or `TapNetwork` adds: the right card per machine and one
/// forward per port; a launch prefix goes before the QEMU binary. Also what KVM runs add.
@Suite("QEMU arguments")
struct UserNetworkArgumentsTests {
    private func arguments(_ target: KernelTarget, _ machine: Machine, _ network: (any GuestNetwork)?) -> [String] {
        var configuration = QEMUConfiguration(target: target, machine: machine, accelerator: .tcg,
                                              image: URL(fileURLWithPath: "/kernel.elf"))
        configuration.network = network
        return configuration.arguments
    }

    @Test("pc gets virtio-net-pci, microvm and virt get virtio-net-device")
    func cardPerMachine() {
        let network = UserNetwork()
        #expect(arguments(.x86_64, .pc, network).contains("virtio-net-pci,netdev=net0"))
        #expect(arguments(.i686, .microvm, network).contains("virtio-net-device,netdev=net0"))
        #expect(arguments(.aarch64, .virt, network).contains("virtio-net-device,netdev=net0"))
    }

    @Test("forwards become hostfwd entries on one netdev")
    func forwards() {
        let network = UserNetwork(forwards: [.init(.tcp, hostPort: 5007, guestPort: 7), .init(.udp, hostPort: 5008, guestPort: 7)])
        let all = arguments(.x86_64, .pc, network)
        guard let index = all.firstIndex(of: "-netdev") else {
            Issue.record("no -netdev in \(all)")
            return
        }
        #expect(all[index + 1] == "user,id=net0,hostfwd=tcp:127.0.0.1:5007-:7,hostfwd=udp:127.0.0.1:5008-:7")
    }

    @Test("no network, no network arguments")
    func none() {
        let all = arguments(.x86_64, .pc, nil)
        #expect(!all.contains("-netdev"))
        #expect(!all.contains { $0.hasPrefix("virtio-net") })
    }

    @Test("a tap network names its interface and leaves scripts off")
    func tap() {
        let all = arguments(.aarch64, .virt, TapNetwork(interface: "tap0"))
        guard let index = all.firstIndex(of: "-netdev") else {
            Issue.record("no -netdev in \(all)")
            return
        }
        #expect(all[index + 1] == "tap,id=net0,ifname=tap0,script=no,downscript=no")
        #expect(all[index + 3] == "virtio-net-device,netdev=net0")
    }

    @Test("a datagram network sends to its remote port and receives on its local one")
    func datagram() {
        let all = arguments(.x86_64, .pc, DatagramNetwork(localPort: 47001, remotePort: 47002))
        #expect(all.contains("dgram,id=net0,local.type=inet,local.host=127.0.0.1,local.port=47001,"
            + "remote.type=inet,remote.host=127.0.0.1,remote.port=47002"))
    }

    @Test("under kvm-pvm the kernel is told to checksum in software; elsewhere the command line is kept")
    func softwareCRCUnderKVMPVM() {
        var configuration = QEMUConfiguration(target: .x86_64, machine: .microvm, accelerator: .kvm,
                                              image: URL(fileURLWithPath: "/kernel.elf"))
        configuration.commandLine = "service=echo"
        configuration.kvmIsSoftware = true
        #expect(configuration.arguments.contains("service=echo crc32c=software"))
        configuration.kvmIsSoftware = false
        #expect(configuration.arguments.contains("service=echo"))
        configuration.kvmIsSoftware = true
        configuration.accelerator = .tcg
        #expect(configuration.arguments.contains("service=echo"))
    }

    @Test("under KVM the PIT keeps ticking without EOIs, so the NMI hang watchdog sees every tick")
    func pitTicksWithoutEOIUnderKVM() {
        var configuration = QEMUConfiguration(target: .x86_64, machine: .pc, accelerator: .kvm,
                                              image: URL(fileURLWithPath: "/kernel.elf"))
        #expect(configuration.arguments.contains("kvm-pit.lost_tick_policy=discard"))
        configuration.accelerator = .tcg
        #expect(!configuration.arguments.contains("kvm-pit.lost_tick_policy=discard"))
    }
}

import Foundation
import FoundationXML
@testable import Liu
import Testing

/// The domain XML says what `qemu/TARGET-MACHINE.args` says, in libvirt's words where it has
/// them and as `<qemu:commandline>` arguments where it does not.
@Suite("Fleet domain XML")
struct FleetDomainXMLTests {
    static let cases: [(KernelTarget, Machine, Accelerator)] = KernelTarget.allCases.flatMap { target in
        target.machines.flatMap { machine in [(target, machine, Accelerator.tcg), (target, machine, .kvm)] }
    }

    static func domain(_ target: KernelTarget, _ machine: Machine, _ accelerator: Accelerator, softwareKVM: Bool = false) throws -> DomainXML {
        let guest = FleetGuest(name: "g1", target: target, machine: machine, memoryMiB: 128, accelerator: nil,
                               image: URL(fileURLWithPath: "/images/counter & co.elf"), knownGood: nil, commandLine: "liu.confirm-ms=5000",
                               forwards: [PortMapping(hostPort: 8001, guestPort: 8), PortMapping(hostPort: 7666, guestPort: 666)],
                               uri: "qemu:///system")
        let flags = try QEMUFolder.load(target, machine, from: QEMUFolder.locate())
        var domain = DomainXML(name: "liu-fleet-t-g1", guest: guest, accelerator: accelerator, flags: flags,
                               emulator: "/usr/bin/\(flags.binary)", console: URL(fileURLWithPath: "/logs/g1.log"))
        domain.kvmIsSoftware = softwareKVM
        return domain
    }

    static func values(_ document: XMLDocument, _ path: String) throws -> [String] {
        try document.nodes(forXPath: path).map { $0.stringValue ?? "" }
    }

    @Test("the domain of every target and machine", arguments: cases)
    func domainOfEveryMachine(_ target: KernelTarget, _ machine: Machine, _ accelerator: Accelerator) throws {
        let domain = try Self.domain(target, machine, accelerator)
        let document = try XMLDocument(xmlString: domain.text)
        #expect(try Self.values(document, "/domain/@type") == [accelerator == .kvm ? "kvm" : "qemu"])
        #expect(try Self.values(document, "/domain/name") == ["liu-fleet-t-g1"])
        #expect(try Self.values(document, "/domain/memory") == ["128"])
        #expect(try Self.values(document, "/domain/os/type/@machine") == [machine.rawValue])
        #expect(try Self.values(document, "/domain/os/type/@arch") == [target == .i686 ? "i686" : target.rawValue])
        #expect(try Self.values(document, "/domain/os/kernel") == ["/images/counter & co.elf"])
        #expect(try Self.values(document, "/domain/os/cmdline") == ["liu.confirm-ms=5000"])
        #expect(try Self.values(document, "/domain/on_reboot") == ["restart"])
        #expect(try Self.values(document, "/domain/devices/serial[@type='file']/source/@path") == ["/logs/g1.log"])
        #expect(try Self.values(document, "/domain/devices/emulator") == [domain.emulator])
        #expect(try Self.values(document, "/domain/features/gic/@version") == (target == .aarch64 ? ["2"] : []))
        #expect(try Self.values(document, "/domain/cpu/@mode") == [accelerator == .tcg ? "maximum" : "host-passthrough"])
        if accelerator == .kvm {
            #expect(try Self.values(document, "/domain/cpu/feature[@policy='disable']/@name") == ["arch-capabilities"])
        }
        #expect(try Self.values(document, "/domain/devices/controller[@type='usb']/@model") == (target == .aarch64 ? [] : ["none"]))

        // What the XML cannot say, in the order of qemu/ and then the network.
        let passed = try Self.values(document, "/domain/*[local-name()='commandline']/*[local-name()='arg']/@value")
        let flags = try QEMUFolder.load(target, machine, from: QEMUFolder.locate())
        #expect(Array(passed.suffix(4)) == ["-netdev", "user,id=net0,hostfwd=tcp:127.0.0.1:8001-:8,hostfwd=tcp:127.0.0.1:7666-:666",
                                            "-device", "\(flags.nic),netdev=net0"])
        let exitDevice = target == .aarch64 ? ["-semihosting-config", "enable=on,target=native"] : ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        let kvmOnly = target != .aarch64 && accelerator == .kvm ? ["-global", "kvm-pit.lost_tick_policy=discard"] : []
        #expect(Array(passed.dropLast(4)) == exitDevice + kvmOnly)
        for stated in ["-m", "-kernel", "-cpu", "-accel", "-serial", "-M", "-nodefaults", "-no-reboot"] { #expect(!passed.contains(stated)) }
    }

    @Test func kvmPvmGetsSoftwareCRC() throws {
        #expect(try Self.domain(.x86_64, .pc, .kvm, softwareKVM: true).commandLine == "liu.confirm-ms=5000 crc32c=software")
        #expect(try Self.domain(.x86_64, .pc, .tcg, softwareKVM: true).commandLine == "liu.confirm-ms=5000")
    }

    @Test func accelerators() throws {
        let facts = KVMFacts(host: "x86_64", nativeTargets: [.i686, .x86_64], deviceUsable: true, software: true)
        let file = try FleetFile.parse("""
            [fleet]
            name = t
            [guest a]
            target = i686
            image = /bin/sh
            forward = 7001:666
            [guest b]
            target = x86_64
            image = /bin/sh
            forward = 7002:666
            [guest c]
            target = x86_64
            accelerator = tcg
            image = /bin/sh
            forward = 7003:666
            """, file: "t.fleet", folder: URL(fileURLWithPath: "/tmp"))
        let domains = try Fleet(file, say: { _ in }).domains(facts: facts)
        #expect(domains.map(\.accelerator) == [.tcg, .kvm, .tcg])
        #expect(domains.map(\.name) == ["liu-fleet-t-a", "liu-fleet-t-b", "liu-fleet-t-c"])
    }

    @Test func missingImageIsAnError() throws {
        let file = try FleetFile.parse("[fleet]\nname = t\n[guest a]\ntarget = i686\nimage = /nonexistent.elf\nforward = 7001:666\n",
                                       file: "t.fleet", folder: URL(fileURLWithPath: "/tmp"))
        let error = #expect(throws: (any Error).self) { try Fleet(file, say: { _ in }).domains() }
        #expect("\(error!)" == "guest a: no image at /nonexistent.elf (liu build writes it)")
    }

    @Test func libvirtEvents() {
        let reboot = DomainEvent(parsing: "2026-12-01 14:52:30.184+0000: event 'reboot' for domain 'liu-fleet-t-a'")
        #expect(reboot == DomainEvent(domain: "liu-fleet-t-a", kind: .reboot, timestamp: "2026-12-01 14:52:30.184+0000"))
        let stopped = DomainEvent(parsing: "2026-12-01 14:52:34.793+0000: event 'lifecycle' for domain 'b': Stopped Destroyed")
        #expect(stopped?.kind == .lifecycle("Stopped Destroyed") && stopped?.domain == "b")
        #expect(DomainEvent(parsing: "Domain 'b' created from /x.xml") == nil)
        #expect(DomainEvent(parsing: "event loop interrupted") == nil)
    }

    @Test func virshWords() {
        #expect(LibvirtEvents.quoted("/a/b.xml") == "/a/b.xml")
        #expect(LibvirtEvents.quoted("/my dir/it's.xml") == "'/my dir/it'\\''s.xml'")
    }
}

import Foundation
@testable import Liu
import Testing

private let folder = URL(fileURLWithPath: "/srv/fleets")

private func parse(_ text: String) throws(FleetFileError) -> FleetFile {
    try FleetFile.parse(text, file: "f.fleet", folder: folder)
}

private let valid = """
    # two guests
    [fleet]
    name = edge

    [guest web-1]
    target = x86_64
    machine = microvm
    memory = 128
    image = images/counter.elf
    known-good = images/counter.bundle
    append = liu.confirm-ms=5000 quiet
    forward = 8001:8
    forward = 127.0.0.1:7666:666
    forward = 7667:667

    [guest arm]
    target = aarch64
    accelerator = tcg
    image = /abs/counter.elf
    forward = 7766:666
    forward = 5353:53/udp
    uri = qemu+ssh://host/system
    """

@Suite("Fleet file")
struct FleetFileTests {
    @Test func readsGuestsWithDefaults() throws {
        let fleet = try parse(valid)
        #expect(fleet.name == "edge")
        #expect(fleet.consoleFolder.path == "/srv/fleets/edge.consoles")
        #expect(fleet.guests.map(\.name) == ["web-1", "arm"])
        let web = fleet.guests[0], arm = fleet.guests[1]
        #expect(web.target == .x86_64 && web.machine == .microvm && web.memoryMiB == 128 && web.accelerator == nil)
        #expect(web.image.path == "/srv/fleets/images/counter.elf")
        #expect(web.knownGood?.path == "/srv/fleets/images/counter.bundle")
        #expect(web.commandLine == "liu.confirm-ms=5000 quiet")
        #expect(web.updatePort == 7666 && web.hostPort(8) == 8001 && web.hostPort(667) == 7667)
        #expect(web.uri == "qemu:///system")
        #expect(arm.machine == .virt && arm.memoryMiB == 256 && arm.accelerator == .tcg && arm.knownGood == nil)
        #expect(arm.image.path == "/abs/counter.elf")
        #expect(arm.forwards.last == PortMapping(hostPort: 5353, guestPort: 53, transport: .udp))
        #expect(arm.uri == "qemu+ssh://host/system")
        #expect(fleet.domainName(web) == "liu-fleet-edge-web-1")
        #expect(fleet.consoleFile(arm).path == "/srv/fleets/edge.consoles/arm.log")
    }

    @Test func fleetSettingsApplyToEveryGuest() throws {
        let fleet = try parse("[fleet]\r\nname = f\r\nuri = qemu:///session\r\nconsoles = logs\r\n[guest a]\r\ntarget = i686\r\nimage = a.elf\r\nforward = 1:666\r\n")
        #expect(fleet.guests[0].uri == "qemu:///session")
        #expect(fleet.guests[0].machine == .pc)
        #expect(fleet.consoleFolder.path == "/srv/fleets/logs")
    }

    static let guest = "[guest a]\ntarget = x86_64\nimage = a.elf\nforward = 7666:666\n"

    /// Each bad file, the line the error names (nil: the whole file) and what it says.
    @Test("bad input: an error with the line", arguments: [
        ("[fleet]\nname = f\n" + guest + "colour = red\n", 7, "unknown key 'colour' in [guest a]"),
        ("[fleet]\nname = f\n" + guest + "target = i686\n", 7, "'target' is given twice (first on line 4)"),
        ("name = f\n", 1, "'name' before any section"),
        ("[fleet]\nname = f\n[guest a\n", 3, "a section header ends with ']'"),
        ("[fleet]\nname = f\n[pool x]\n", 3, "unknown section '[pool x]'"),
        ("[fleet]\nname = f\n[fleet]\n", 3, "a second [fleet] section"),
        ("[fleet]\nname = f\n" + guest + guest, 7, "a second guest 'a' (the first is on line 3)"),
        ("[fleet]\nname = f\n[guest a_b]\n", 3, "a guest name is letters, digits and '-'"),
        ("[fleet]\nname = f\njust words\n", 3, "expected 'key = value'"),
        ("[fleet]\nname =\n", 2, "'name' without a value"),
        ("[fleet]\nname = f\nsize = 3\n", 3, "unknown key 'size' in [fleet]"),
        ("[fleet]\nname = my fleet\n" + guest, 2, "the fleet's name is letters, digits and '-'"),
        ("[fleet]\nname = f\n[guest a]\ntarget = sparc\n", 4, "unknown target 'sparc'"),
        ("[fleet]\nname = f\n" + guest + "machine = virt\n", 7, "machine 'virt' is not available for x86_64"),
        ("[fleet]\nname = f\n" + guest + "memory = 8\n", 7, "memory takes MiB from 16 to 65536, not '8'"),
        ("[fleet]\nname = f\n" + guest + "accelerator = hvf\n", 7, "accelerator is tcg or kvm, not 'hvf'"),
        ("[fleet]\nname = f\n" + guest + "forward = 8:8:8:8\n", 7, "forward = 8:8:8:8: write [HOST_IP:]HOST_PORT:GUEST_PORT[/udp]"),
        ("[fleet]\nname = f\n" + guest + "known-good = k.bundle\n", 7, "a known-good image is registered on guest port 667"),
        ("[fleet]\nname = f\n[guest a]\ntarget = i686\nforward = 1:666\n", 3, "guest a has no 'image'"),
        ("[fleet]\nname = f\n[guest a]\nimage = a.elf\n", 3, "guest a has no 'target'"),
        ("[fleet]\nname = f\n[guest a]\ntarget = i686\nimage = a.elf\n", 3, "guest a does not forward its update port"),
        ("[fleet]\nname = f\n" + guest + "[guest b]\ntarget = i686\nimage = b.elf\nforward = 7666:666\n", 10, "host port 7666 is forwarded twice (also by guest a, line 6)"),
    ] as [(String, Int, String)])
    func badInput(_ text: String, _ line: Int, _ message: String) {
        let error = #expect(throws: FleetFileError.self) { try parse(text) }
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.message.hasPrefix(message) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("f.fleet:\(line): ") == true)
    }

    @Test("bad input: an error about the whole file", arguments: [
        ("", "no [fleet] section with 'name = NAME'"),
        ("# nothing\n[fleet]\nname = f\n", "no [guest NAME] section"),
        ("[guest a]\ntarget = i686\nimage = a.elf\nforward = 1:666\n", "no [fleet] section"),
    ])
    func badFile(_ text: String, _ message: String) {
        let error = #expect(throws: FleetFileError.self) { try parse(text) }
        #expect(error?.line == nil)
        #expect(error?.message.hasPrefix(message) == true, "\(String(describing: error))")
    }

    @Test func missingFile() {
        let error = #expect(throws: FleetFileError.self) { try FleetFile.load("/nonexistent/f.fleet") }
        #expect(error?.description == "/nonexistent/f.fleet: cannot be read")
    }
}

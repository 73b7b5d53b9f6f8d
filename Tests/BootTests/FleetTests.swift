import Foundation
import Liu
import Testing

/// Issue 17: ten counter guests of every target and machine as libvirt domains, one fleet for
/// the whole scenario (ten TCG guests on two cores are the suite's cost): a rollout of a build
/// whose resume fails halts after its canary, a guest without a known-good image that resets
/// is reported from libvirt's event, a rollout of build 2 confirms everywhere with every
/// counter kept, and `liu fleet down` leaves nothing behind. The domains are created on the
/// connection of a virsh that dies with the test process (libvirt's autodestroy), and stale
/// ones of a killed run are removed by name first.
@Suite("Fleet on libvirt", .serialized,
       .enabled(if: FleetLibvirt.unavailableReason == nil, Comment(rawValue: FleetLibvirt.unavailableReason ?? "")))
struct FleetTests {
    /// Target and machine of each guest, all under TCG (under kvm-pvm an x86_64 guest's verdict
    /// takes about 30 s, which every stage it is in would wait for); the last one has no
    /// known-good image.
    static let layout: [(KernelTarget, Machine)] = [(.x86_64, .microvm), (.i686, .pc), (.aarch64, .virt), (.x86_64, .pc), (.i686, .microvm),
                                                    (.aarch64, .virt), (.x86_64, .microvm), (.i686, .pc), (.aarch64, .virt), (.x86_64, .pc)]

    /// The fleet file of the guests `indices`, with each guest's counter port.
    static func fleetFile(name: String, indices: Range<Int>, ports: [[UInt16]]) throws -> String {
        var text = "# liu fleet test\n[fleet]\nname = \(name)\nconsoles = \(name).consoles\n"
        for index in indices {
            let (target, machine) = layout[index]
            let image = try KernelImages.image(target, "counter").path
            text += "\n[guest g\(index + 1)]\ntarget = \(target.rawValue)\nmachine = \(machine.rawValue)\nimage = \(image)\n"
                + "accelerator = tcg\nappend = liu.confirm-ms=20000\nforward = \(ports[index][0]):8\nforward = \(ports[index][1]):666\n"
            if index != layout.count - 1 {
                text += "forward = \(ports[index][2]):667\nknown-good = \(KernelBuild.bundlePath(forImage: URL(fileURLWithPath: image)).path)\n"
            }
        }
        return text
    }

    /// The bundle path of the counter built with `label`, with `{target}` for the target.
    static func bundleTemplate(label: String) throws -> String {
        for target in KernelTarget.allCases { _ = try KernelImages.bundlePath(target, "counter", label: label) }
        return try KernelImages.bundlePath(.x86_64, "counter", label: label).path.replacingOccurrences(of: "/x86_64/", with: "/{target}/")
    }

    @Test("ten guests: a failing rollout halts, a reset is seen in libvirt's events, build 2 rolls out, down removes all")
    func fleetScenario() throws {
        try Self.withFleetFile(name: "test", indices: 0..<10) { folder, path, ports in try scenario(folder, path, ports) }
    }

    private func scenario(_ folder: URL, _ path: URL, _ ports: [[UInt16]]) throws {
        let failResume = try Self.bundleTemplate(label: "fail-resume"), second = try Self.bundleTemplate(label: "2")
        let fleet = Fleet(try FleetFile.load(path.path), say: { print($0) })
        let bridgesBefore = try FleetLibvirt.bridges()

        // Leftovers of a killed run, by the name prefix.
        try fleet.down()
        var started = Date()
        let sessions = try fleet.up(attached: true)
        defer { sessions.forEach { $0.stop() } }
        print("fleet: 10 guests up and serving in \(Self.seconds(since: started)) (host clock, TCG)")
        #expect(try FleetLibvirt.domains(prefix: fleet.file.domainPrefix).count == 10)
        for (index, guest) in fleet.file.guests.enumerated() {
            for _ in 0...index { _ = try Self.counter(guest, "next") }
        }

        // A build whose resume fails: the canary rolls back with its state, the rest stay on 1.
        started = Date()
        let halted = try LiuProcess.run(["fleet", "rollout", path.path, failResume, "--canary", "1", "--wave", "3"])
        print("fleet: halted rollout in \(Self.seconds(since: started)), exit \(halted.status):\n\(halted.output)")
        #expect(halted.status == 2, "\(halted)")
        #expect(halted.output.contains("liu fleet: g1: rolled back to 1: the image fail-resume failed its trial"), "\(halted.output)")
        #expect(halted.output.contains("halted after the canary: 1 failed; 9 guests left on their image: g2, g3"), "\(halted.output)")
        #expect(halted.output.contains("HALTED after the canary: 1 failed, more than --max-failures 0"), "\(halted.output)")
        #expect(halted.output.contains("g2     wave 1  not pushed   1"), "\(halted.output)")
        for (index, guest) in fleet.file.guests.enumerated() {
            let status = try Self.counterStatus(guest)
            #expect(status.version == "1" && status.count == index + 1, "\(guest.name): \(status)")
        }

        // A guest without a known-good image resets; libvirt's reboot event says so.
        let lonely = folder.appendingPathComponent("lonely.fleet")
        try Data(try Self.fleetFile(name: "test", indices: 9..<10, ports: ports).utf8).write(to: lonely)
        let reset = try Fleet(try FleetFile.load(lonely.path), say: { print($0) }).rollout(Fleet.RolloutOptions(bundle: failResume))
        let outcome = try #require(reset.report.entries.first?.outcome)
        guard case .resetEvent = outcome else {
            Issue.record("not reported from libvirt's reboot event: \(outcome)")
            return
        }
        #expect(reset.report.exitCode == 2)
        let g10 = fleet.file.guests[9]
        let fresh = try Self.awaitCounter(g10)
        #expect(fresh.version == "1" && fresh.boots == 1 && fresh.count == 0, "a fresh boot of the original image: \(fresh)")
        for _ in 0..<10 { _ = try Self.counter(g10, "next") }

        // Build 2 everywhere, canary then waves of three: every counter kept.
        started = Date()
        var options = Fleet.RolloutOptions(bundle: second)
        options.wave = 3
        let rollout = try fleet.rollout(options)
        print(Fleet.text(rollout))
        print("fleet: rollout of build 2 to 10 guests (canary 1, waves of 3) in \(Self.seconds(since: started)); per stage: "
            + Self.stageTimes(rollout.report))
        #expect(rollout.report.exitCode == 0 && rollout.report.entries.allSatisfy { $0.outcome?.confirmed == true }, "\(rollout.report)")
        for (index, guest) in fleet.file.guests.enumerated() {
            let status = try Self.counterStatus(guest)
            #expect(status.version == "2" && status.count == index + 1, "\(guest.name): \(status)")
            #expect(rollout.running[guest.name] == "2")
        }
        let rows = fleet.status()
        #expect(rows.allSatisfy { $0.state == "running" && $0.status?.outcome == "confirmed" }, "\(Fleet.table(rows))")

        // Down: no domain, QEMU or bridge left.
        started = Date()
        let down = try LiuProcess.run(["fleet", "down", path.path])
        print("fleet: liu fleet down of 10 guests in \(Self.seconds(since: started))")
        #expect(down.status == 0, "\(down)")
        #expect(down.output.contains("liu fleet: removed 10 domains"), "\(down.output)")
        #expect(try FleetLibvirt.domains(prefix: fleet.file.domainPrefix).isEmpty)
        #expect(FleetLibvirt.qemuProcesses(prefix: fleet.file.domainPrefix).isEmpty)
        #expect(try FleetLibvirt.bridges() == bridgesBefore)
        sessions.forEach { $0.stop() }
        #expect(sessions.allSatisfy { !$0.isRunning })
    }

    /// A killed `liu fleet up --attach` takes its domains along: libvirt destroys them when
    /// the connection of its virsh (which dies with liu) ends.
    @Test("the domains of a killed liu fleet up --attach are destroyed")
    func killedAttachedUp() throws {
        try Self.withFleetFile(name: "killed", indices: 0..<1) { _, path, _ in try killAttached(path) }
    }

    private func killAttached(_ path: URL) throws {
        let prefix = try FleetFile.load(path.path).domainPrefix
        try Fleet(try FleetFile.load(path.path), say: { _ in }).down()
        let up = try LiuProcess.start(["fleet", "up", path.path, "--attach"])
        defer { up.kill(SIGKILL) }
        #expect(up.waitForOutput("liu fleet: attached"), "\(up)")
        #expect(try FleetLibvirt.domains(prefix: prefix) == ["\(prefix)g1"])
        up.kill(SIGKILL)
        let deadline = Date().addingTimeInterval(30)
        while try !FleetLibvirt.domains(prefix: prefix).isEmpty, Date() < deadline { usleep(100_000) }
        #expect(try FleetLibvirt.domains(prefix: prefix).isEmpty, "a domain outlived the killed liu")
        #expect(FleetLibvirt.qemuProcesses(prefix: prefix).isEmpty)
    }

    // MARK: Helpers

    /// Runs `body` with libvirtd answering and the fleet file of the guests `indices` (free
    /// ports for each) in a folder of its own; removes the folder and stops the libvirtd it
    /// started afterwards.
    static func withFleetFile(name: String, indices: Range<Int>, _ body: (URL, URL, [[UInt16]]) throws -> Void) throws {
        try FleetLibvirt.ensureRunning()
        defer { FleetLibvirt.stopIfStarted() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("liu-fleet-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ports = try layout.map { _ in try (0..<3).map { _ in try HostSocket.freePort() } }
        let path = folder.appendingPathComponent("\(name).fleet")
        try Data(try fleetFile(name: name, indices: indices, ports: ports).utf8).write(to: path)
        try body(folder, path, ports)
    }

    static func seconds(since start: Date) -> String { String(format: "%.1f s", Date().timeIntervalSince(start)) }

    static func stageTimes(_ report: RolloutReport) -> String {
        Dictionary(grouping: report.entries, by: \.stage).sorted { $0.key < $1.key }
            .map { "\(RolloutPlan.stageName($0.key)) \(String(format: "%.1f", $0.value.map(\.seconds).max() ?? 0)) s" }.joined(separator: ", ")
    }

    /// One request line to the guest's counter (port 8) and its answer line.
    static func counter(_ guest: FleetGuest, _ line: String) throws -> String {
        let socket = try HostSocket.tcp(port: guest.hostPort(8)!, timeoutSeconds: 30)
        try socket.sendAll(Array((line + "\n").utf8))
        var answer: [UInt8] = []
        while !answer.contains(UInt8(ascii: "\n")) {
            let chunk = try socket.receive(upTo: 512)
            if chunk.isEmpty { break }
            answer += chunk
        }
        return String(decoding: answer.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    static func counterStatus(_ guest: FleetGuest) throws -> CounterStatus {
        let line = try counter(guest, "status")
        guard let status = CounterStatus(parsing: line) else { throw ToolFailureDescription(text: "\(guest.name): unexpected status '\(line)'") }
        return status
    }

    /// The counter's status once it answers again (after a reset).
    static func awaitCounter(_ guest: FleetGuest, timeout: Double = 60) throws -> CounterStatus {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            do { return try counterStatus(guest) } catch {
                if Date() > deadline { throw error }
                usleep(100_000)
            }
        }
    }
}

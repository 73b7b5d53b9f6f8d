import Foundation
import Liu
import Testing

/// The echo service against a real Linux peer: the guest's virtio-net card is a tap device in a
/// network namespace made for each test, where Linux's own TCP/IP stack, `ping` and the Python
/// programs in Tests/BootTests/Peer talk to it. Needs root; skipped with the reason otherwise.
@Suite("Echo service against a Linux peer on a tap device", .serialized,
       .enabled(if: PeerNamespace.unavailableReason == nil, Comment(rawValue: PeerNamespace.unavailableReason ?? "")))
struct LinuxPeerTests {
    /// The guest on every target and machine under TCG.
    static let cases = BootCase.tcg

    @Test("ping answers", arguments: cases)
    func ping(_ boot: BootCase) throws {
        try PeerNamespace.withEchoGuest(boot) { namespace, _ in
            try LinuxPeer.expectPingAnswers(in: namespace, boot)
        }
    }

    @Test("100 MiB come back byte-for-byte", arguments: cases)
    func largeTransfer(_ boot: BootCase) throws {
        try PeerNamespace.withEchoGuest(boot) { namespace, _ in
            try LinuxPeer.expectEchoedStream(in: namespace, boot, bytes: 100 << 20)
        }
    }

    /// First 64 handshakes at a time (the guest's own setup rate), then all 1,000 SYNs at once,
    /// far beyond the listen backlog: those must be delayed, never reset.
    @Test("1,000 concurrent connections each complete an exchange", arguments: cases)
    func thousandConnections(_ boot: BootCase) throws {
        try PeerNamespace.withEchoGuest(boot) { namespace, _ in
            try LinuxPeer.expectConnections(in: namespace, boot, count: 1000)
            try LinuxPeer.expectConnections(in: namespace, boot, count: 1000, inFlight: 1000)
        }
    }

    @Test("100 MiB with 1% loss and reordering by tc netem",
          .enabled(if: LinuxPeer.netemUnavailableReason == nil, Comment(rawValue: LinuxPeer.netemUnavailableReason ?? "")),
          arguments: cases)
    func netemTransfer(_ boot: BootCase) throws {
        try PeerNamespace.withEchoGuest(boot) { namespace, _ in
            try namespace.run(LinuxPeer.netemCommand).check()
            try LinuxPeer.expectEchoedStream(in: namespace, boot, bytes: 100 << 20, label: "with netem ")
        }
    }

    /// The same impairment without netem, in both directions: QEMU sends its frames to a Python
    /// program that carries them to and from the tap device.
    @Test("100 MiB through a user-space link that drops 1% and reorders 1% of frames both ways", arguments: cases)
    func impairedLinkTransfer(_ boot: BootCase) throws {
        var link: PeerProcess?
        defer {
            if let counts = link?.stop().split(separator: "\n").last { print("impaired link \(boot.testDescription): \(counts)") }
        }
        try PeerNamespace.withEchoGuest(boot, link: { namespace in
            let started = try namespace.startPython("impaired_link.py", [PeerNamespace.interface, "47001", "47002", "1", "1", "7", "600"])
            link = started
            guard started.waitForOutput("ready", timeout: 10) else { throw PeerFailure("impaired_link.py did not start: \(started.output)") }
            return DatagramNetwork(localPort: 47001, remotePort: 47002)
        }) { namespace, _ in
            try LinuxPeer.expectEchoedStream(in: namespace, boot, bytes: 100 << 20, label: "over the impaired link ")
        }
    }

    @Test("malformed frames, overlapping segments and a SYN flood leave ping and the echo port working", arguments: cases)
    func malformedBurst(_ boot: BootCase) throws {
        try PeerNamespace.withEchoGuest(boot) { namespace, guest in
            let mac = try #require(LinuxPeer.guestMAC(in: guest.serialOutput), "no MAC in \(guest.serialOutput)")
            let burst = try namespace.runPython("malformed_burst.py", [PeerNamespace.interface, PeerNamespace.hostAddress,
                                                                        PeerNamespace.guestAddress, mac]).json()
            #expect(burst["overlap_closed"] as? Bool == true, "\(burst)")
            #expect(burst["overlap_echo_ok"] as? Bool == true, "overlapping segments were not echoed as one stream: \(burst)")
            let sent = (burst["sent"] as? [String: Int] ?? [:]).values.reduce(0, +)
            print("malformed burst \(boot.testDescription): \(sent) frames in "
                + String(format: "%.2f s", burst["seconds"] as? Double ?? 0))
            try LinuxPeer.expectPingAnswers(in: namespace, boot)
            try LinuxPeer.expectEchoedStream(in: namespace, boot, bytes: 1 << 20, label: "after the burst ")
            try LinuxPeer.expectConnections(in: namespace, boot, count: 100)
        }
    }
}

/// The same checks under KVM for x86_64. On kvm-pvm every VM exit (each interrupt, each device
/// register access) is followed by up to `pvm_emul_batch` (1,024) emulated instructions, so
/// traffic is slow there: the stream and the connection count are smaller.
@Suite("Echo service against a Linux peer under KVM", .serialized,
       .enabled(if: PeerNamespace.unavailableReason == nil, Comment(rawValue: PeerNamespace.unavailableReason ?? "")))
struct LinuxPeerKVMTests {
    @Test("ping, a stream (100 MiB on hardware KVM) and connections (1,000 on hardware KVM) under KVM",
          .enabled(if: QEMU.kvmRuns(.x86_64), Comment(rawValue: KVMBootTests.noKVM)),
          arguments: BootCase.kvm(.x86_64))
    func all(_ boot: BootCase) throws {
        let software = QEMU.kvmIsSoftware
        try PeerNamespace.withEchoGuest(boot) { namespace, _ in
            try LinuxPeer.expectPingAnswers(in: namespace, boot)
            try LinuxPeer.expectEchoedStream(in: namespace, boot, bytes: software ? 2 << 20 : 100 << 20)
            try LinuxPeer.expectConnections(in: namespace, boot, count: software ? 200 : 1000)
        }
    }
}

struct PeerFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What the Linux peer checks and the figures it prints.
enum LinuxPeer {
    static let netemCommand = ["tc", "qdisc", "add", "dev", PeerNamespace.interface, "root", "netem",
                               "loss", "1%", "reorder", "25%", "50%", "delay", "1ms"]

    /// Why netem cannot be used here (tried in a namespace of its own), or nil.
    static let netemUnavailableReason: String? = {
        if let reason = PeerNamespace.unavailableReason { return reason }
        do {
            let probe = try PeerNamespace()
            defer { probe.remove() }
            let attempt = try probe.run(netemCommand)
            guard attempt.status != 0 else { return nil }
            return "netem test skipped: `\(netemCommand.joined(separator: " "))` fails here (\(attempt.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines))): "
                + "most likely a kernel without sch_netem (CONFIG_NET_SCH_NETEM); the user-space impaired-link test covers loss and reordering"
        } catch {
            return "netem test skipped: \(error)"
        }
    }()

    /// The MAC address the guest reports on its console ("..., MAC 52:54:00:12:34:56, ...").
    static func guestMAC(in serialOutput: String) -> String? {
        guard let start = serialOutput.range(of: ", MAC ")?.upperBound else { return nil }
        let mac = String(serialOutput[start...].prefix(17))
        return mac.split(separator: ":").count == 6 ? mac : nil
    }

    static func expectPingAnswers(in namespace: PeerNamespace, _ boot: BootCase) throws {
        let ping = try namespace.run(["ping", "-c", "20", "-i", "0.05", "-W", "2", PeerNamespace.guestAddress])
        #expect(ping.status == 0 && ping.output.contains(" 20 received"), "\(ping)")
        if let summary = ping.output.split(separator: "\n").last(where: { $0.hasPrefix("rtt") }) {
            print("ping \(boot.testDescription): \(summary)")
        }
    }

    static func expectEchoedStream(in namespace: PeerNamespace, _ boot: BootCase, bytes: Int, label: String = "") throws {
        let result = try namespace.runPython("echo_client.py", ["stream", PeerNamespace.guestAddress, "\(bytes)", "42"]).json()
        #expect(result["errors"] as? [String] == [], "\(result)")
        #expect(result["received"] as? Int == bytes, "\(result)")
        #expect(result["received_sha256"] as? String == result["sent_sha256"] as? String, "digests differ: \(result)")
        if let seconds = result["seconds"] as? Double {
            print("echo \(label)\(boot.testDescription): "
                + String(format: "%.1f MB/s (%d bytes each way in %.2f s)", Double(bytes) / seconds / 1e6, bytes, seconds))
        }
    }

    static func expectConnections(in namespace: PeerNamespace, _ boot: BootCase, count: Int, inFlight: Int = 64) throws {
        let result = try namespace.runPython("echo_client.py", ["connections", PeerNamespace.guestAddress, "\(count)", "\(inFlight)"]).json()
        #expect(result["connected"] as? Int == count, "\(result)")
        #expect(result["echoed"] as? Int == count, "\(result)")
        if let setup = result["setup_seconds"] as? Double, let total = result["total_seconds"] as? Double {
            print("connections \(boot.testDescription): "
                + String(format: "%d set up in %.2f s (%.0f/s, %d handshakes in flight), all exchanges done in %.2f s",
                         count, setup, Double(count) / setup, inFlight, total))
        }
    }
}

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

    @Test("1,000 concurrent connections each complete an exchange", arguments: cases)
    func thousandConnections(_ boot: BootCase) throws {
        try PeerNamespace.withEchoGuest(boot) { namespace, _ in
            try LinuxPeer.expectConnections(in: namespace, boot, count: 1000)
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

/// The same checks under KVM for x86_64, where this host's KVM runs it.
@Suite("Echo service against a Linux peer under KVM", .serialized,
       .enabled(if: PeerNamespace.unavailableReason == nil, Comment(rawValue: PeerNamespace.unavailableReason ?? "")))
struct LinuxPeerKVMTests {
    @Test("ping, 100 MiB and 1,000 connections under KVM",
          .enabled(if: QEMU.kvmRuns(.x86_64), Comment(rawValue: KVMBootTests.noKVM)), arguments: BootCase.kvm(.x86_64))
    func all(_ boot: BootCase) throws {
        try PeerNamespace.withEchoGuest(boot) { namespace, _ in
            try LinuxPeer.expectPingAnswers(in: namespace, boot)
            try LinuxPeer.expectEchoedStream(in: namespace, boot, bytes: 100 << 20)
            try LinuxPeer.expectConnections(in: namespace, boot, count: 1000)
        }
    }
}

/// What the Linux peer checks and the figures it prints.
enum LinuxPeer {
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

    static func expectConnections(in namespace: PeerNamespace, _ boot: BootCase, count: Int) throws {
        let result = try namespace.runPython("echo_client.py", ["connections", PeerNamespace.guestAddress, "\(count)"]).json()
        #expect(result["connected"] as? Int == count, "\(result)")
        #expect(result["echoed"] as? Int == count, "\(result)")
        if let setup = result["setup_seconds"] as? Double, let total = result["total_seconds"] as? Double {
            print("connections \(boot.testDescription): "
                + String(format: "%d set up in %.2f s (%.0f/s), all exchanges done in %.2f s", count, setup, Double(count) / setup, total))
        }
    }
}

@testable import Liu
import Testing

@Suite("liu run port forwards")
struct PortMappingTests {
    @Test func dockerStyleForwardsParse() throws {
        #expect(try PortMapping.parse("8080:80") == PortMapping(hostPort: 8080, guestPort: 80))
        #expect(try PortMapping.parse("0.0.0.0:5353:53/udp") == PortMapping(hostAddress: "0.0.0.0", hostPort: 5353, guestPort: 53, transport: .udp))
        #expect(try LiuCommand.parse(["run", "--target", "i686", "-p", "1:2", "-p", "3:4/tcp", "--memory", "512",
                                      "--qemu-arg", "-s", "--qemu-arg", "-S"])
                == .run({
                    var run = LiuCommand.RunOptions(target: .i686)
                    run.ports = [PortMapping(hostPort: 1, guestPort: 2), PortMapping(hostPort: 3, guestPort: 4)]
                    run.memoryMiB = 512
                    run.qemuArguments = ["-s", "-S"]
                    return run
                }()))
    }

    @Test("bad forwards are refused with the form to write", arguments: [
        ("80", "write [HOST_IP:]HOST_PORT:GUEST_PORT[/udp]"), ("0:80", "ports 1 to 65535"), ("8080:70000", "ports 1 to 65535"),
        ("8080:80/sctp", "the protocol after / is tcp or udp"), ("10.0.0:8080:80", "'10.0.0' is not an IPv4 address"),
    ])
    func refused(_ text: String, _ message: String) {
        #expect { try PortMapping.parse(text) } throws: { "\($0)".contains(message) }
    }

    @Test func theServicePortsAndTheUpdatePortsAreForwardedByDefault() throws {
        var manifest = ServiceManifest(name: "kv")
        manifest.tcpPorts = [6379]
        manifest.udpPorts = [53]
        let (network, endpoints) = try RunNetwork.user(service: manifest, mappings: [PortMapping(hostPort: 16379, guestPort: 6379)])
        #expect(network.forwards.map(\.guestPort) == [6379, 53, 666, 667])
        #expect(network.forwards[0].hostPort == 16379)
        #expect(endpoints[0] == "kv TCP 6379 on 127.0.0.1:16379")
        #expect(endpoints[1].hasPrefix("kv UDP 53 on 127.0.0.1:"))
        #expect(endpoints[2].hasPrefix("updates on 127.0.0.1:") && endpoints[3].hasPrefix("known-good image on 127.0.0.1:"))
        #expect(network.netdev.contains("hostfwd=tcp:127.0.0.1:16379-:6379") && network.netdev.contains("hostfwd=udp:127.0.0.1:"))
    }
}

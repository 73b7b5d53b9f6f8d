/// The network `liu run` gives a guest: QEMU user networking with the `-p` forwards, plus the
/// service's ports (from its manifest) and the update and known-good image ports forwarded to
/// free ports on 127.0.0.1 unless `-p` forwards them already.
enum RunNetwork {
    static let updatePort: UInt16 = 666
    static let rollbackPort: UInt16 = 667

    /// The network and one line per reachable endpoint, for a person.
    static func user(service manifest: ServiceManifest?, mappings: [PortMapping]) throws -> (network: UserNetwork, endpoints: [String]) {
        var forwards = mappings
        let wanted: [(UInt16, UserNetwork.PortForward.Transport)] = (manifest?.tcpPorts ?? []).map { ($0, .tcp) }
            + (manifest?.udpPorts ?? []).map { ($0, .udp) } + [(updatePort, .tcp), (rollbackPort, .tcp)]
        for (port, transport) in wanted where !forwards.contains(where: { $0.guestPort == port && $0.transport == transport }) {
            forwards.append(PortMapping(hostPort: try ServiceGuest.freePort(), guestPort: port, transport: transport))
        }
        let endpoints = forwards.map { forward in
            let role = switch (forward.guestPort, forward.transport) {
            case (updatePort, .tcp): "updates"
            case (rollbackPort, .tcp): "known-good image"
            default: "\(manifest?.name ?? "guest") \(forward.transport.rawValue.uppercased()) \(forward.guestPort)"
            }
            return "\(role) on \(forward.hostAddress):\(forward.hostPort)"
        }
        return (UserNetwork(forwards: forwards.map(\.forward)), endpoints)
    }
}

/// Errors returned by the service API.
public enum NetError: Error, Equatable, Sendable {
    case portInUse
    case noFreePort
    case noRoute
    case messageTooLong
    case socketClosed
    case tooManyConnections
}

let ephemeralPortRange: ClosedRange<UInt16> = 49152 ... 65535

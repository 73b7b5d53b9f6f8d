@_exported import LiveUpdate
@_exported import Net

/// A service: the one program an image runs. Write a class that conforms and mark it `@main`;
/// `liu build --service FOLDER` links it with the kernel (docs/writing-a-service.md).
///
/// The kernel calls it in this order, on every boot of the image:
/// 1. `init()`: the service with no state yet.
/// 2. After a live update or a rollback only: `restore(from:)`, with the state the previous
///    image saved. By then the network stack is restored too: every TCP connection, listener,
///    address and ARP entry of the previous image is back, with its unread input and its
///    unsent and unacknowledged output.
/// 3. `start(_:)`: open ports, re-attach connections, arm timers. The downtime of an update
///    ends when `start` returns, so do only what serving needs here.
/// 4. `started(_:)`: the service serves; print and do slower work here.
/// 5. Callbacks (connections, timers) from then on, one at a time, never concurrently. At an
///    update, between two callbacks: `save(into:)`, then the next image takes over.
public protocol Service: AnyObject {
    /// The id of the marker that closes this service's group of entries in the storage area.
    /// Pick one per service (any value but `NetworkStack.snapshotEntryID`, 0x4E54): an image of
    /// another service then refuses this state instead of misreading it, and rolls back.
    static var stateID: UInt16 { get }

    /// Whether serving confirms an update on trial (the default): the trial ends as soon as
    /// `start` returns. A service that returns `false` checks its own health and calls
    /// `System.confirm()` before the deadline (manifest `confirmMilliseconds`), or it is
    /// rolled back.
    static var confirmsByServing: Bool { get }

    /// A service with no state: what a cold boot runs, and what `restore(from:)` fills.
    init()

    /// Reads the state `save(into:)` wrote, entry by entry (`Restore.forEachEntry`). The entries
    /// are this service's own, up to its marker; entries it does not know (written by a newer
    /// version) may be skipped. Throwing means the state cannot be used: an update on trial
    /// rolls back to the known-good image, which gets the same state; if that image cannot
    /// read it either, it starts with a new `init()` instead.
    func restore(from state: inout Restore) throws(StorageError)

    /// Writes the state the next image needs as entries with ids of the service's choosing
    /// (`Storage.add`). Called with interrupts off while the service is stopped: the time it
    /// takes is downtime. Throwing (the area is full, say) abandons the update: the service
    /// goes on as before and the client that pushed the image is told why.
    func save(into state: inout Storage) throws(StorageError)

    /// Opens the service's ports (`System.listen`, `System.bind`), re-attaches to connections
    /// restored from the previous image (they reach the accept handler), arms timers. Throwing
    /// stops the image: on trial it rolls back, on a cold boot the kernel exits with a failure.
    func start(_ system: System) throws(ServiceFailure)

    /// Runs once after `start`, when the downtime is over (and the trial confirmed, if the
    /// service confirms by serving). Console output belongs here: it is slow.
    func started(_ system: System)
}

extension Service {
    public static var confirmsByServing: Bool { true }
    public func restore(from state: inout Restore) throws(StorageError) {}
    public func save(into state: inout Storage) throws(StorageError) {}
    public func started(_ system: System) {}

    /// The entry point `@main` calls: hands the service to the kernel, which runs it until the
    /// image is replaced, rolled back or stopped. Never returns.
    public static func main() {
        var service = Self()
        ServiceRuntime.run(ServiceRuntime.Hooks(
            stateID: stateID, confirmsByServing: confirmsByServing,
            restore: { (state: inout Restore) throws(StorageError) in try service.restore(from: &state) },
            discardRestored: { service = Self() },
            save: { (state: inout Storage) throws(StorageError) in try service.save(into: &state) },
            start: { (system: System) throws(ServiceFailure) in try service.start(system) },
            started: { system in service.started(system) }))
    }
}

/// Why a service cannot start; `reason` is printed for a person, and on trial it is the
/// reason of the rollback.
public struct ServiceFailure: Error {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

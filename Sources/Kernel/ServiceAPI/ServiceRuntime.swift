import LiveUpdate
import Net

/// Runs a service through its life in this image: network, restore, start, the update ports,
/// the end of the downtime, confirmation, then the service loop. `Service.main()` calls it;
/// services do not.
public enum ServiceRuntime {
    /// A service as closures (the kernel is compiled without knowing the service's type).
    public struct Hooks {
        let stateID: UInt16
        let confirmsByServing: Bool
        let restore: (inout Restore) throws(StorageError) -> Void
        /// Replaces the service by a new one when `restore` failed part-way.
        let discardRestored: () -> Void
        let save: Hotswap.SaveHandler
        let start: (System) throws(ServiceFailure) -> Void
        let started: (System) -> Void

        public init(stateID: UInt16, confirmsByServing: Bool,
                    restore: @escaping (inout Restore) throws(StorageError) -> Void,
                    discardRestored: @escaping () -> Void,
                    save: @escaping (inout Storage) throws(StorageError) -> Void,
                    start: @escaping (System) throws(ServiceFailure) -> Void,
                    started: @escaping (System) -> Void) {
            self.stateID = stateID
            self.confirmsByServing = confirmsByServing
            self.restore = restore
            self.discardRestored = discardRestored
            self.save = save
            self.start = start
            self.started = started
        }
    }

    @export(interface)
    public static func run(_ service: Hooks) -> Never {
        let name = ServiceEntry.name
        if service.stateID == NetworkStack.snapshotEntryID {
            fail(name, "its stateID 0x4E54 is the network stack's; pick another")
        }
        let network = NetworkService.open(name, quietly: SoftResetBoot.happened)
        let restored = network?.resume { (restore: inout Restore) throws(StorageError) in
            try service.restore(&restore)
            try restore.popMarker(id: service.stateID)
        } ?? false
        if SoftResetBoot.happened && !restored { service.discardRestored() }
        let start: System.Start = switch Trial.purpose {
        case .update?: .update
        case .rollback?: .rollback
        case nil: .coldBoot
        }
        let system = System(name: name, network: network?.stack, start: start, isRestored: restored, networkService: network)
        do throws(ServiceFailure) {
            try service.start(system)
        } catch {
            fail(name, error.reason)
        }
        let updates = network.map { network in
            openUpdatePorts(network, name) { (storage: inout Storage) throws(StorageError) in
                try service.save(&storage)
                try storage.putMarker(id: service.stateID)
            }
        }
        network?.serving(name, confirm: service.confirmsByServing)
        Console.release()                   // a service without a network card
        service.started(system)
        guard let network, let updates else { idle() }
        network.serve { for listener in updates { listener.afterRound() } }
    }

    private static func openUpdatePorts(_ network: NetworkService, _ name: String,
                                        save: @escaping Hotswap.SaveHandler) -> [UpdateListener] {
        do throws(NetError) {
            return try network.openUpdatePorts(save: save)
        } catch {
            fail(name, "cannot open the update ports (666, 667 or those set by liu.update-port=, liu.rollback-port=)")
        }
    }

    /// A service without a network card, after `started`: nothing can reach it any more.
    private static func idle() -> Never {
        while true { Arch.waitForInterrupt() }
    }

    /// The service cannot run: on trial the update rolls back, otherwise the kernel exits
    /// with a failure status.
    static func fail(_ name: String, _ reason: String) -> Never {
        Console.write(name)
        Console.write(": ")
        Console.write(reason)
        Console.newline()
        Trial.failed("the service failed to start")
        Arch.exit(.failure)
    }
}

import KernelCore
import LiveUpdate

/// What the kernel offers a service: its network, its ports, timers, boot arguments, the
/// image's version and the last update, and the confirmation of a trial. Handed to
/// `Service.start(_:)` and `Service.started(_:)`; keep it, it stays valid.
public struct System {
    /// How this image came to run.
    public enum Start: Equatable {
        /// Booted by the hypervisor's loader: no state.
        case coldBoot
        /// A live update: on trial until it confirms.
        case update
        /// A rollback to the known-good image after a failed update.
        case rollback
    }

    /// The service's name, from its manifest.
    public let name: String
    /// The network stack on the machine's first virtio network card (nil without one): TCP
    /// (`network.tcp`), UDP (`network.udp`), DHCP, addresses. After an update it holds every
    /// connection of the previous image.
    public let network: NetworkStack?
    public let start: Start
    /// Whether `Service.restore(from:)` read a state saved by the previous image (false on a
    /// cold boot, and after an update whose state was gone).
    public let isRestored: Bool

    let networkService: NetworkService?

    /// The image's version label (`liu build --label`; "1" unless relabelled).
    public var version: String {
        @export(interface) get { ImageVersion.label }
    }

    /// Nanoseconds since this image started (a monotonic clock; it restarts with each image).
    public var now: UInt64 {
        @export(interface) get { Clock.now() }
    }

    /// The update that started this image: its downtime in nanoseconds, in total and by phase
    /// (`downtime-ns total=N save=N hand-over=N stub+entry=N boot=N restore=N reopen=N`);
    /// nil on a cold boot. Known once `start` returned.
    public var lastUpdate: (totalNanoseconds: UInt64, summary: String)? {
        @export(interface) get { UpdateDowntime.last.map { ($0.total, $0.summary) } }
    }

    /// Whether this image is still on trial (an update or rollback not yet confirmed).
    public var isOnTrial: Bool {
        @export(interface) get { Trial.isPending }
    }

    /// The value of `key=value` on the kernel command line (the manifest's `commandLine` and
    /// what was given at boot, which wins); nil when absent.
    @export(interface)
    public func argument(_ key: StaticString) -> String? {
        BootArguments.withBytes { bytes in
            KernelCommandLine(bytes).value(for: key).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// `key=N` as a number (decimal or 0x-hex); nil when absent or not a number.
    @export(interface)
    public func integerArgument(_ key: StaticString) -> UInt64? {
        BootArguments.integer(for: key)
    }

    /// Listens on TCP `port`. `accept` gets every new connection once its handshake completes,
    /// and, after an update, first every connection the previous image had accepted on this
    /// port (established or closing; half-open ones are handed over when they complete). A
    /// listener restored from the previous image is reused, with its pending handshakes.
    @export(interface)
    @discardableResult
    public func listen(tcp port: UInt16, backlog: Int = 16,
                       accept: @escaping (TCPConnection) -> Void) throws(ServiceFailure) -> TCPListener {
        guard let networkService else { throw ServiceFailure(Self.noDevice("TCP", port)) }
        do throws(NetError) {
            let listener = try networkService.listen(port: port, backlog: backlog)
            listener.onAccept = accept
            for connection in networkService.restoredConnections(port: port) { accept(connection) }
            return listener
        } catch {
            throw ServiceFailure(Self.portRefused("cannot listen on TCP port ", port, error))
        }
    }

    /// A UDP socket on `port`; its `onReceive` gets each datagram. UDP keeps nothing across an
    /// update: the socket is opened again by each image.
    @export(interface)
    public func bind(udp port: UInt16) throws(ServiceFailure) -> UDPSocket {
        guard let network else { throw ServiceFailure(Self.noDevice("UDP", port)) }
        do throws(NetError) {
            return try network.udp.bind(port: port)
        } catch {
            throw ServiceFailure(Self.portRefused("cannot bind UDP port ", port, error))
        }
    }

    /// Runs `action` once after `milliseconds`, from the service loop (timer resolution: the
    /// 10 ms tick). Timers are not saved across an update: arm them again in `start`.
    @export(interface)
    @discardableResult
    public func after(milliseconds: UInt64, _ action: @escaping () -> Void) -> ServiceTimer? {
        network?.schedule(after: milliseconds * 1_000_000, action)
    }

    /// Runs `action` every `milliseconds` until the image is replaced.
    @export(interface)
    public func every(milliseconds: UInt64, _ action: @escaping () -> Void) {
        after(milliseconds: milliseconds) {
            action()
            self.every(milliseconds: milliseconds, action)
        }
    }

    /// Confirms an update on trial: the image becomes the known-good one for the next update
    /// and the previous state is discarded. For services with `confirmsByServing == false`;
    /// without effect when not on trial.
    @export(interface)
    public func confirm() { Trial.confirm() }

    /// Waits at least `milliseconds` with the CPU halted between timer ticks. Nothing else
    /// runs meanwhile: for services without a network (demos); others use `after`.
    @export(interface)
    public func sleep(milliseconds: UInt64) {
        let end = Clock.now() + milliseconds * 1_000_000
        while Clock.now() < end { Arch.waitForInterrupt() }
    }

    /// Ends the image: QEMU exits with the status (`liu run` returns it). For demos and tests.
    @export(interface)
    public func exit(success: Bool) -> Never { Arch.exit(success ? .success : .failure) }

    /// Prints the boot timeline (each boot stage with its time) and the memory layout.
    @export(interface)
    public func printBootReport() {
        BootTimeline.print()
        MemoryReport.print()
    }

    /// The CPU architecture the image runs on: "i686", "x86_64" or "aarch64".
    public var architecture: StaticString {
        @export(interface) get { Arch.name }
    }
}

extension System {
    /// "no virtio network device for TCP port 80".
    private static func noDevice(_ kind: StaticString, _ port: UInt16) -> String {
        var text = TextBuilder("no virtio network device for ")
        text.add(kind); text.add(" port "); text.add(UInt64(port))
        return text.string
    }

    /// "cannot listen on TCP port 80: the port is in use".
    private static func portRefused(_ what: StaticString, _ port: UInt16, _ error: NetError) -> String {
        var text = TextBuilder(what)
        text.add(UInt64(port)); text.add(": "); text.add(error.reason)
        return text.string
    }
}

extension NetError {
    /// For a person, in a `ServiceFailure`.
    var reason: StaticString {
        switch self {
        case .portInUse: "the port is in use"
        case .noFreePort: "no free port"
        case .noRoute: "no route"
        case .messageTooLong: "message too long"
        case .socketClosed: "the socket is closed"
        case .tooManyConnections: "too many connections"
        }
    }
}

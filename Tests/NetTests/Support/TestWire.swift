import TestSupport
import Net

let ms = NetworkParameters.millisecond
let second = NetworkParameters.second

/// Two stacks joined by an in-memory link with a fake clock and controllable loss, reordering
/// and duplication.
final class TestWire {
    struct Frame {
        var deliverAt: UInt64
        var order: UInt64
        var to: Int
        var bytes: [UInt8]
    }

    static let macs = [MACAddress(0x02, 0, 0, 0, 0, 0x01), MACAddress(0x02, 0, 0, 0, 0, 0x02)]
    static let ips = [IPv4Address(10, 0, 0, 1), IPv4Address(10, 0, 0, 2)]

    var now: UInt64 = 1 * second
    var latency: UInt64 = 1 * ms
    var lossPercent = 0.0
    var duplicatePercent = 0.0
    var reorderPercent = 0.0
    /// Return true to drop a frame sent by stack `from` (applied before random loss).
    var dropFilter: ((_ from: Int, _ frame: [UInt8]) -> Bool)?
    /// Every frame sent, unless `logFrames` is off (bulk transfers).
    private(set) var sent: [(from: Int, bytes: [UInt8], at: UInt64)] = []
    var logFrames = true
    private var inFlight: [Frame] = []
    private var order: UInt64 = 0
    private var rng: SplitMix64
    private(set) var stacks: [NetworkStack] = []
    /// Each stack's clock reads the wire's time minus its origin (a restarted clock after a
    /// live update).
    private var clockOrigins: [UInt64] = [0, 0]

    init(seed: UInt64 = 1, parameters: NetworkParameters = NetworkParameters()) {
        rng = SplitMix64(seed: seed)
        for index in 0 ..< 2 {
            let config = InterfaceConfig(mac: Self.macs[index], ip: Self.ips[index],
                                         netmask: .netmask(prefixLength: 24))
            stacks.append(makeStack(index, config: config, parameters: parameters, seed: seed &* 31 &+ UInt64(index)))
            stacks[index].poll(now: now)
        }
    }

    private func makeStack(_ index: Int, config: InterfaceConfig, parameters: NetworkParameters, seed: UInt64) -> NetworkStack {
        var random = SplitMix64(seed: seed)
        return NetworkStack(config: config, parameters: parameters, random: { random.next() }) { [weak self] frame in
            self?.transmit(from: index, Array(frame))
        }
    }

    /// Puts a new, unconfigured stack in place of stack `index` (as a new kernel image would),
    /// with a clock that reads `clockRestart` now. Returns it, not yet polled.
    func replaceStack(_ index: Int, clockRestart: UInt64, parameters: NetworkParameters = NetworkParameters(),
                      seed: UInt64 = 99) -> NetworkStack {
        clockOrigins[index] = now - clockRestart
        stacks[index] = makeStack(index, config: InterfaceConfig(mac: Self.macs[index]), parameters: parameters, seed: seed)
        return stacks[index]
    }

    /// Stack `index`'s own clock.
    func clock(_ index: Int) -> UInt64 { now - clockOrigins[index] }

    var a: NetworkStack { stacks[0] }
    var b: NetworkStack { stacks[1] }

    private func transmit(from: Int, _ bytes: [UInt8]) {
        if logFrames { sent.append((from, bytes, now)) }
        if dropFilter?(from, bytes) == true || rng.chance(lossPercent) { return }
        var delay = latency
        if rng.chance(reorderPercent) { delay += rng.below(5 * latency) + latency }
        enqueue(Frame(deliverAt: now + delay, order: 0, to: 1 - from, bytes: bytes))
        if rng.chance(duplicatePercent) {
            enqueue(Frame(deliverAt: now + delay + rng.below(3 * latency), order: 0, to: 1 - from, bytes: bytes))
        }
    }

    private func enqueue(_ frame: Frame) {
        var frame = frame
        order += 1
        frame.order = order
        inFlight.append(frame)
    }

    /// Advances the clock event by event until `condition` holds or `limit` ns pass. Returns
    /// whether the condition held.
    @discardableResult
    func run(for limit: UInt64 = 10 * second, until condition: () -> Bool = { false }) -> Bool {
        let end = now + limit
        while !condition() {
            let deadlines = stacks.indices.compactMap { index in stacks[index].nextDeadline.map { $0 &+ clockOrigins[index] } }
                + inFlight.map(\.deliverAt)
            guard let next = deadlines.min(), next <= end else {
                now = end
                return condition()
            }
            now = max(now, next)
            let due = inFlight.filter { $0.deliverAt <= now }.sorted { ($0.deliverAt, $0.order) < ($1.deliverAt, $1.order) }
            inFlight.removeAll { $0.deliverAt <= now }
            for frame in due {
                frame.bytes.withUnsafeBytes { stacks[frame.to].receive(frame: $0, now: clock(frame.to)) }
            }
            for index in stacks.indices where (stacks[index].nextDeadline ?? .max) <= clock(index) {
                stacks[index].poll(now: clock(index))
            }
        }
        return true
    }

    func clearLog() { sent.removeAll() }
}

import Kernel

/// The service's shared state: the keyspace, the limits and the figures INFO reports.
final class KvServer {
    let clock = ServiceClock()
    let keyspace: Keyspace
    /// `kv.maxmemory=BYTES` (0: no limit): commands that may add data are refused with -OOM
    /// while `UsedMemory.bytes` is above it.
    var maxMemory = 0
    var random = RandomBits(state: 0x9E37_79B9_7F4A_7C15)
    var commandsProcessed: Int64 = 0
    var connectionsReceived: Int64 = 0
    /// Live updates this keyspace went through, and the downtime of the last one.
    var updates: Int64 = 0
    var lastDowntimeNanoseconds: UInt64 = 0

    init() { keyspace = Keyspace(clock: clock) }

    var system: System? { clock.system }
    var version: String { system?.version ?? "" }
    var isOverMemoryLimit: Bool { maxMemory > 0 && UsedMemory.bytes > maxMemory }
}

/// A key's value read for one type: the command replies WRONGTYPE when it holds another.
enum Typed<T> {
    case missing
    case wrongType
    case found(T)
}

extension Keyspace {
    func string(_ key: Bytes) -> Typed<Bytes> {
        guard let value = value(key) else { return .missing }
        if case .string(let bytes) = value { return .found(bytes) }
        return .wrongType
    }

    func list(_ key: Bytes) -> Typed<ListValue> {
        guard let value = value(key) else { return .missing }
        if case .list(let list) = value { return .found(list) }
        return .wrongType
    }

    func hash(_ key: Bytes) -> Typed<HashValue> {
        guard let value = value(key) else { return .missing }
        if case .hash(let hash) = value { return .found(hash) }
        return .wrongType
    }

    func set(_ key: Bytes) -> Typed<SetValue> {
        guard let value = value(key) else { return .missing }
        if case .set(let set) = value { return .found(set) }
        return .wrongType
    }

    /// The container at `key`, created empty when missing; nil when the key holds another type.
    func container<T: MeteredValue>(_ key: Bytes, _ lookup: (Bytes) -> Typed<T>, make: () -> T, wrap: (T) -> Value) -> T? {
        switch lookup(key) {
        case .found(let container): return container
        case .wrongType: return nil
        case .missing:
            let container = make()
            set(key, wrap(container))
            return container
        }
    }
}

/// A hash or a set: elements that HDEL and SREM remove.
protocol ElementContainer: MeteredValue {
    var count: Int { get }
    func remove(_ element: Bytes) -> Bool
}

extension HashValue: ElementContainer {}
extension SetValue: ElementContainer {}

extension Keyspace {
    /// HDEL and SREM (`COMMAND KEY ELEMENT…`): replies how many of the elements were there,
    /// and removes the key its last element left.
    func removeElements<T: ElementContainer>(_ arguments: [Bytes], _ lookup: (Bytes) -> Typed<T>, into reply: inout Reply) {
        switch lookup(arguments[1]) {
        case .missing: reply.integer(0)
        case .wrongType: reply.wrongType()
        case .found(let container):
            reply.integer(arguments.dropFirst(2).filter { container.remove($0) }.count)
            removeIfEmpty(arguments[1], count: container.count)
        }
    }
}

/// The optional COUNT of LPOP, RPOP and SPOP (`COMMAND KEY [COUNT]`): `.some(nil)` without
/// one, nil (with the error replied) when it is not a number at least 0.
func popCount(_ arguments: [Bytes], into reply: inout Reply) -> Int64?? {
    guard arguments.count == 3 else { return .some(nil) }
    guard let count = arguments[2].integer, count >= 0 else {
        reply.notPositive()
        return nil
    }
    return count
}

/// What a kernel tells the next one about the images before it, in the soft-reset block
/// (`SoftResetBlock.record(in:)`): their uptime, how many updates confirmed, and the outcome of
/// the last update with its reason, for whoever asks (`liu status`, `liu push`).
public struct UpdateRecord: Equatable, Sendable {
    public enum Outcome: UInt32, Sendable {
        case none = 0
        /// The image `label` confirmed its trial.
        case confirmed = 1
        /// The image `label` failed its trial (`reason`) and the known-good image took over.
        case rolledBack = 2
        /// Saving the state for the image `label` failed (`reason`); the service went on.
        case abandoned = 3
        /// A pushed image was refused before anything was touched (`reason`).
        case refused = 4
    }

    public static let size = 128
    public static let labelCapacity = 16
    public static let reasonCapacity = size - 36

    /// Nanoseconds run by the earlier images since the last cold boot.
    public var uptimeBefore: UInt64 = 0
    /// Updates confirmed since the last cold boot.
    public var updates: UInt32 = 0
    public var outcome: Outcome = .none
    /// The label of the image the outcome is about (at most `labelCapacity` bytes).
    public var label: [UInt8] = []
    /// Why, for a person (at most `reasonCapacity` bytes; longer ones are cut).
    public var reason: [UInt8] = []

    public init() {}

    /// Writes the record's `size` bytes at `destination`.
    public func write(to destination: UnsafeMutableRawPointer) {
        destination.initializeMemory(as: UInt8.self, repeating: 0, count: Self.size)
        destination.storeLE(uptimeBefore, at: 0)
        destination.storeLE(updates, at: 8)
        destination.storeLE(outcome.rawValue, at: 12)
        let label = label.prefix(Self.labelCapacity), reason = reason.prefix(Self.reasonCapacity)
        for (index, byte) in label.enumerated() { destination.storeBytes(of: byte, toByteOffset: 16 + index, as: UInt8.self) }
        destination.storeLE(UInt32(reason.count), at: 32)
        for (index, byte) in reason.enumerated() { destination.storeBytes(of: byte, toByteOffset: 36 + index, as: UInt8.self) }
    }

    /// Reads a record written by `write`; an unknown outcome reads as `.none`.
    public init(reading source: UnsafeRawPointer) {
        uptimeBefore = source.loadLE(at: 0, as: UInt64.self)
        updates = source.loadLE(at: 8, as: UInt32.self)
        outcome = Outcome(rawValue: source.loadLE(at: 12, as: UInt32.self)) ?? .none
        let bytes = UnsafeRawBufferPointer(start: source, count: Self.size)
        label = Array(bytes[16..<32].prefix { $0 != 0 })
        reason = Array(bytes[36..<36 + min(Int(source.loadLE(at: 32, as: UInt32.self)), Self.reasonCapacity)])
    }
}

import TestSupport
import LiveUpdate
import Testing

/// A seeded random mutator over valid areas: a quick, reproducible stand-in for the libFuzzer
/// target (Tests/Fuzz) that CI runs in seconds.
@Suite("Mutation fuzzing")
struct MutationFuzzTests {
    static let iterations = 20_000

    @Test("mutated areas are rejected with an error or resumed to END, never crash")
    func mutations() throws {
        let seed = try SampleArea.everyEntryType()
        var random = SplitMix64(seed: 0x5EED)
        var rejected = 0, resumed = 0
        for _ in 0..<Self.iterations {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                mutate(&bytes, using: &random)
            }
            let area = TestArea(copying: bytes)
            // Resealing most inputs gets them past the checksum to the structural checks.
            if Int.random(in: 0..<4, using: &random) != 0 { area.reseal() }
            switch AreaExerciser.exercise(area.pointer, limit: area.size) {
            case .rejected: rejected += 1
            case .resumed: resumed += 1
            case .walkFailed(let error): Issue.record("validated area failed to walk: \(error)")
            }
        }
        // Both outcomes must be common, or the mutator is not exercising the reader.
        #expect(rejected > Self.iterations / 10)
        #expect(resumed > Self.iterations / 100)
    }

    private func mutate(_ bytes: inout [UInt8], using random: inout SplitMix64) {
        guard !bytes.isEmpty else { return }
        let index = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &random)
        case 1:
            bytes[index] = UInt8.random(in: 0...255, using: &random)
        case 2:
            // An interesting 32-bit value over a length or count field.
            let values: [UInt32] = [0, 1, 7, 8, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, UInt32(bytes.count)]
            let value = values.randomElement(using: &random)!
            let aligned = index & ~3
            for k in 0..<min(4, bytes.count - aligned) { bytes[aligned + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
        case 3:
            bytes.removeLast(Int.random(in: 1...min(16, bytes.count), using: &random))
        case 4:
            bytes += random.bytes(Int.random(in: 1...16, using: &random))
        default:
            // An entry type, possibly unknown or user-defined.
            let types: [Int16] = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1023, 1024]
            let type = types.randomElement(using: &random)!
            let aligned = index & ~7
            guard aligned + 1 < bytes.count else { return }
            bytes[aligned] = UInt8(truncatingIfNeeded: type)
            bytes[aligned + 1] = UInt8(truncatingIfNeeded: type >> 8)
        }
    }
}

import TestSupport
import Glibc
import KernelCore
import Testing

/// Prints heap throughput and overhead figures (best of several runs, since the machine is
/// shared). Run with `KERNELCORE_BENCHMARK=1 swift test -c release --filter HeapBenchmark`.
@Suite(.enabled(if: getenv("KERNELCORE_BENCHMARK") != nil))
struct HeapBenchmark {
    static let repetitions = 7

    @Test func manySmallObjects() throws {
        var random = SplitMix64(seed: 1)
        let sizes = (0..<10_000).map { _ in Int.random(in: 64...256, using: &random) }
        var pointers: [UnsafeMutableRawPointer?] = Array(repeating: nil, count: sizes.count)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 16 << 20, alignment: 4096)
        defer { buffer.deallocate() }
        var heap = Heap(start: buffer, end: buffer + (16 << 20))
        let best = Self.best {
            for (index, size) in sizes.enumerated() { pointers[index] = heap.allocate(byteCount: size, alignment: 16) }
            for pointer in pointers { _ = heap.deallocate(pointer!) }
        }
        #expect(heap.allocationCount == 0 && heap.checkIntegrity())
        let live = sizes.reduce(0, +)
        let grown = heap.heapEnd - heap.start
        print("heap: 10000 objects of 64-256 B: \(best / sizes.count) ns per allocate+free; heapEnd at \(grown) B for \(live) B live (\(grown * 100 / live)%)")
    }

    @Test func mixedChurnAgainstSystemAllocator() throws {
        let operations = Self.churnOperations()
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 256 << 20, alignment: 4096)
        defer { buffer.deallocate() }
        var heap = Heap(start: buffer, end: buffer + (256 << 20))
        let heapTime = Self.best {
            Self.run(operations, allocate: { heap.allocate(byteCount: $0, alignment: 16) }, free: { _ = heap.deallocate($0) })
        }
        #expect(heap.allocationCount == 0 && heap.checkIntegrity())
        let systemTime = Self.best {
            Self.run(operations, allocate: { size in
                var pointer: UnsafeMutableRawPointer?
                return posix_memalign(&pointer, 16, size) == 0 ? pointer : nil
            }, free: { Glibc.free($0) })
        }
        let grown = heap.heapEnd - heap.start
        print("heap: churn of \(operations.count) ops, ~1000 live, 1 B-64 KiB: \(heapTime / operations.count) ns/op, glibc malloc \(systemTime / operations.count) ns/op; heapEnd at \(grown) B for peak \(heap.peakBytesInUse) B live (\(grown * 100 / heap.peakBytesInUse)%)")
    }

    /// Sizes to allocate (positive) or slots to free (negative).
    static func churnOperations() -> [Int] {
        var random = SplitMix64(seed: 2)
        return (0..<200_000).map { _ in
            Bool.random(using: &random)
                ? HeapTests.randomSize(using: &random) % 65_536 + 1
                : -Int.random(in: 1...2000, using: &random)
        }
    }

    /// Replays `operations` over 2000 slots, freeing everything at the end.
    static func run(
        _ operations: [Int], allocate: (Int) -> UnsafeMutableRawPointer?, free: (UnsafeMutableRawPointer) -> Void
    ) {
        var slots: [UnsafeMutableRawPointer?] = Array(repeating: nil, count: 2001)
        var next = 0
        for operation in operations {
            if operation > 0 {
                next = next % 2000 + 1
                if let old = slots[next] { free(old) }
                slots[next] = allocate(operation)
            } else if let pointer = slots[-operation] {
                free(pointer)
                slots[-operation] = nil
            }
        }
        slots.compactMap { $0 }.forEach(free)
    }

    /// The fastest of `repetitions` runs, in nanoseconds.
    static func best(_ body: () -> Void) -> Int {
        (0..<repetitions).map { _ in
            let elapsed = ContinuousClock().measure(body)
            return Int(elapsed.components.seconds) * 1_000_000_000 + Int(elapsed.components.attoseconds / 1_000_000_000)
        }.min()!
    }
}

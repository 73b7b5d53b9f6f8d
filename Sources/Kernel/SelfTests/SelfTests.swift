import KernelCore

/// Runs the self-test `test=NAME` names. Only images built with self-tests call it (through
/// `liu_self_test`, Sources/SelfTestHook/SelfTestsLinked.swift); in the others nothing does,
/// and the link leaves it and every self-test out.
@_cdecl("liu_run_self_test")
func runSelfTest() {
    let test = BootArguments.value(for: "test")
    guard let selfTest = SelfTest.allCases.first(where: { test.matches($0.name) }) else {
        Console.write("unknown self-test; the kernel has: ")
        for (index, known) in SelfTest.allCases.enumerated() {
            if index > 0 { Console.write(", ") }
            Console.write(known.name)
        }
        Console.newline()
        Arch.exit(.failure)
    }
    selfTest.run()
}

/// In-kernel checks the QEMU test harness selects with `test=NAME` and judges by the
/// serial log and the exit status.
enum SelfTest: CaseIterable {
    case heap
    case timer
    case faultInvalidInstruction
    case faultDivide
    case faultMemory
    case panicInPanic
    case storage
    case storageBenchmark
    case runtime
    case selfUpdate
    case signature

    var name: StaticString {
        switch self {
        case .heap: "heap"
        case .timer: "timer"
        case .faultInvalidInstruction: "fault-invalid-instruction"
        case .faultDivide: "fault-divide"
        case .faultMemory: "fault-memory"
        case .panicInPanic: "panic-in-panic"
        case .storage: "storage"
        case .storageBenchmark: "storage-benchmark"
        case .runtime: "runtime"
        case .selfUpdate: "self-update"
        case .signature: "signature"
        }
    }

    func run() -> Never {
        Console.write("self-test: ")
        Console.write(name)
        Console.newline()
        switch self {
        case .heap: Self.heapReuse()
        case .timer: Self.timerAdvances()
        case .faultInvalidInstruction: causeFault(.invalidInstruction)
        case .faultDivide: causeFault(.divideByZero)
        case .faultMemory: causeFault(.invalidMemoryAccess)
        case .panicInPanic:
            Panic.faultInsidePanic = true
            causeFault(.invalidInstruction)
        case .storage: StorageSelfTest.roundTrip()
        case .storageBenchmark: StorageSelfTest.benchmark()
        case .runtime: RuntimeSelfTest.run()
        case .selfUpdate: SelfUpdateTest.run()
        case .signature: SignatureSelfTest.run()
        }
    }

    static func pass(_ what: StaticString) -> Never {
        Console.write("PASS: ")
        Console.write(what)
        Console.newline()
        Arch.exit(.success)
    }

    static func fail(_ what: StaticString) -> Never {
        Console.write("FAIL: ")
        Console.write(what)
        Console.newline()
        Arch.exit(.failure)
    }

    /// Swift arrays, strings and classes live on the heap and their memory is reused:
    /// 200 more rounds of allocate-and-release may move the heap's end by a little
    /// fragmentation, but by less than one round needed on its own.
    private static func heapReuse() -> Never {
        final class Node {
            var value: Int
            var next: Node?
            init(_ value: Int, next: Node?) { self.value = value; self.next = next }
        }
        func round(_ seed: Int) -> Int {
            var list: Node? = nil
            for index in 0..<200 { list = Node(seed &+ index, next: list) }
            var words: [String] = []
            for index in 0..<50 { words.append("word-\(index)-\(seed)") }
            let numbers = [Int](repeating: seed, count: 4096)
            var sum = numbers.count &+ words.count
            while let node = list { sum &+= node.value; list = node.next }
            return sum
        }
        guard let endBefore = Memory.heap?.heapEnd else { fail("no heap") }
        _ = round(0)
        guard let endAfterFirst = Memory.heap?.heapEnd else { fail("no heap") }
        let firstRound = endAfterFirst - endBefore
        var checksum = 0
        for seed in 1...200 { checksum &+= round(seed) }
        MemoryReport.print()
        guard let heap = Memory.heap else { fail("no heap") }
        Console.write("heap: first round grew it by ")
        Console.writeDecimal(UInt64(firstRound))
        Console.write(" B, 200 more rounds by ")
        Console.writeDecimal(UInt64(heap.heapEnd - endAfterFirst))
        Console.write(" B, checksum ")
        Console.writeDecimal(Int64(checksum))
        Console.newline()
        guard heap.heapEnd - endAfterFirst < firstRound else { fail("heap grew: memory was not reused") }
        pass("heap reuse")
    }

    /// The periodic timer interrupts and the monotonic clock both advance, and agree.
    private static func timerAdvances() -> Never {
        let startTicks = Clock.ticks
        let startTime = Clock.now()
        while Clock.ticks < startTicks + 20 { Arch.waitForInterrupt() }
        let elapsed = Clock.now() - startTime
        Console.write("timer: 20 ticks took ")
        Console.writeMilliseconds(nanoseconds: elapsed)
        Console.newline()
        let expected = 20 * 1_000_000_000 / Kernel.tickHertz
        guard elapsed > expected / 2 && elapsed < expected * 3 else { fail("tick rate disagrees with the clock") }
        pass("timer ticks advance")
    }
}

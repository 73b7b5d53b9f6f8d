/// The routines the kernel supplies to compiled Swift code, checked on random inputs
/// (runtime values, so nothing is folded at compile time): 64-bit division and variable
/// shifts (the i686 helpers in Arch/i686/integer64.S) and memcpy/memmove/memset/memcmp.
enum RuntimeSelfTest {
    static func run() -> Never {
        memoryRoutines()
        arithmetic()
        SelfTest.pass("runtime routines")
    }

    /// Overlapping moves in both directions, fills and comparisons against byte loops.
    private static func memoryRoutines() {
        let size = 512
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        let reference = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate(); reference.deallocate() }
        for round in 0..<2_000 {
            for index in 0..<size {
                let byte = UInt8(truncatingIfNeeded: Entropy.next())
                buffer.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
                reference.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
            }
            let count = Int(Entropy.next() % 200), from = Int(Entropy.next() % 300), to = Int(Entropy.next() % 300)
            if round % 3 == 2 {
                let value = UInt8(truncatingIfNeeded: round)
                (buffer + to).initializeMemory(as: UInt8.self, repeating: value, count: count)
                for index in 0..<count { reference.storeBytes(of: value, toByteOffset: to + index, as: UInt8.self) }
            } else {
                (buffer + to).copyMemory(from: buffer + from, byteCount: count)   // memmove
                let forward = to <= from
                for step in 0..<count {
                    let index = forward ? step : count - 1 - step
                    reference.storeBytes(of: reference.load(fromByteOffset: from + index, as: UInt8.self),
                                         toByteOffset: to + index, as: UInt8.self)
                }
            }
            guard memcmp(buffer, reference, size) == 0 else { SelfTest.fail("memory routines") }
        }
        comparisons(buffer, reference, size: size)
    }

    /// memcmp at every alignment and length, word-sized or not: equal ranges, then one byte
    /// raised anywhere in the range (and once just past its end, which must not count).
    private static func comparisons(_ buffer: UnsafeMutableRawPointer, _ reference: UnsafeMutableRawPointer, size: Int) {
        reference.copyMemory(from: buffer, byteCount: size)
        for _ in 0..<2_000 {
            let start = Int(Entropy.next() % 64), count = Int(Entropy.next() % 300)
            guard memcmp(buffer + start, reference + start, count) == 0 else { SelfTest.fail("memcmp of equal bytes") }
            let index = start + Int(Entropy.next() % UInt64(count + 1))
            let byte = buffer.load(fromByteOffset: index, as: UInt8.self)
            guard byte < 255 else { continue }
            buffer.storeBytes(of: byte + 1, toByteOffset: index, as: UInt8.self)
            let differs = index < start + count
            guard (memcmp(buffer + start, reference + start, count) > 0) == differs,
                  (memcmp(reference + start, buffer + start, count) < 0) == differs else { SelfTest.fail("memcmp ordering") }
            buffer.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
        }
    }

    private static func arithmetic() {
        for round in 0..<20_000 {
            let a = operand(round), b = operand(round &+ 7) | 1
            let (q, r) = (a / b, a % b)
            guard q &* b &+ r == a, r < b else { SelfTest.fail("unsigned 64-bit division") }
            let sa = Int64(bitPattern: a), sb = Int64(bitPattern: b)
            if !(sa == .min && sb == -1) {
                let (sq, sr) = (sa / sb, sa % sb)
                guard sq &* sb &+ sr == sa, sr.magnitude < sb.magnitude,
                      sr == 0 || (sr < 0) == (sa < 0) else { SelfTest.fail("signed 64-bit division") }
            }
            let count = Int(b % 64)
            guard a << UInt64(count) == shiftedOneBitAtATime(a, count, left: true),
                  a >> UInt64(count) == shiftedOneBitAtATime(a, count, left: false),
                  sa >> Int64(count) == arithmeticShiftOneBitAtATime(sa, count) else {
                SelfTest.fail("64-bit shift")
            }
        }
    }

    /// Random values with the edge cases mixed in: small, 32-bit, high bit set.
    private static func operand(_ round: Int) -> UInt64 {
        let random = Entropy.next()
        switch round % 4 {
        case 0: return random & 0xFFFF
        case 1: return random & 0xFFFF_FFFF
        case 2: return random | (1 << 63)
        default: return random
        }
    }

    private static func shiftedOneBitAtATime(_ value: UInt64, _ count: Int, left: Bool) -> UInt64 {
        var result = value
        for _ in 0..<count { result = left ? result << 1 : result >> 1 }
        return result
    }

    private static func arithmeticShiftOneBitAtATime(_ value: Int64, _ count: Int) -> Int64 {
        var result = value
        for _ in 0..<count { result >>= 1 }
        return result
    }
}

@_extern(c, "memcmp") private func memcmp(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Int32

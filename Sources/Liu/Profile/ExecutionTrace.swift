import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Guest instructions per translation block between two addresses, from the log QEMU writes
/// with `-d exec,nochain,in_asm` (`QEMU.executionTraceArguments`): an `IN:` block lists a
/// translated block's instructions once, and a `Trace` line names the block's address each
/// time it runs (`nochain`: every time). Counting starts when the block at `start` first runs
/// and stops when the block at `end` next runs. An instruction longer than eight bytes is
/// listed on two lines, the second with its remaining bytes only.
struct ExecutionTrace {
    /// Instructions executed, by the address of the block that ran them.
    let instructions: [UInt64: UInt64]
    let total: UInt64
    /// Whether `end` was reached.
    let isComplete: Bool

    init(log: URL, from start: UInt64, to end: UInt64) throws {
        let data = try Data(contentsOf: log, options: .alwaysMapped)
        var instructions: [UInt64: UInt64] = [:]
        var total: UInt64 = 0
        var isComplete = false
        var lengths: [UInt64: UInt64] = [:]
        var counting = false
        var block: (address: UInt64, length: UInt64)?
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            guard let base = bytes.baseAddress else { return }
            var position = 0
            while position < bytes.count && !isComplete {
                let rest = bytes.count - position
                let lineEnd = memchr(base + position, 10, rest).map { UnsafeRawPointer($0) - base } ?? bytes.count
                let line = UnsafeRawBufferPointer(start: base + position, count: lineEnd - position)
                position = lineEnd + 1
                if Self.line(line, startsWith: "IN:") {
                    block = (0, 0)
                } else if var current = block {
                    guard Self.line(line, startsWith: "0x") else {          // the block's listing ends
                        if current.length > 0 { lengths[current.address] = current.length }
                        block = nil
                        continue
                    }
                    if current.length == 0 { current.address = Self.hex(line, from: 2) }
                    if !Self.isContinuation(line) { current.length += 1 }
                    block = current
                } else if Self.line(line, startsWith: "Trace "), let slash = memchr(line.baseAddress!, 47, line.count) {
                    let address = Self.hex(line, from: UnsafeRawPointer(slash) - line.baseAddress! + 1)
                    if address == start { counting = true }
                    guard counting else { continue }
                    if address == end && total > 0 { isComplete = true; break }
                    let length = lengths[address] ?? 0
                    instructions[address, default: 0] += length
                    total += length
                }
            }
        }
        (self.instructions, self.total, self.isComplete) = (instructions, total, isComplete)
    }

    private static func line(_ line: UnsafeRawBufferPointer, startsWith prefix: StaticString) -> Bool {
        line.count >= prefix.utf8CodeUnitCount && memcmp(line.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    /// Whether a listing line holds only the rest of the previous line's instruction bytes
    /// (`0x00100008:  00 00`): after the address, nothing but two-digit hex bytes.
    private static func isContinuation(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let colon = memchr(line.baseAddress!, 58, line.count) else { return false }
        let fields = UnsafeRawBufferPointer(rebasing: line[(UnsafeRawPointer(colon) - line.baseAddress! + 1)...])
            .split(separator: 32)
        return !fields.isEmpty && fields.allSatisfy { $0.count == 2 && $0.allSatisfy { hexDigit($0) != nil } }
    }

    private static func hex(_ line: UnsafeRawBufferPointer, from start: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in start..<line.count {
            guard let digit = hexDigit(line[index]) else { return value }
            value = value << 4 | digit
        }
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt64? {
        switch byte {
        case 48...57: UInt64(byte - 48)
        case 97...102: UInt64(byte - 87)
        case 65...70: UInt64(byte - 55)
        default: nil
        }
    }
}

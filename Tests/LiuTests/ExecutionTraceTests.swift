import Foundation
import Testing
@testable import Liu

/// The execution log's parsing, on a log written the way QEMU 7.2 writes `-d exec,nochain,in_asm`.
@Suite struct ExecutionTraceTests {
    /// An instruction of more than eight bytes takes two listing lines, the second with the
    /// rest of its bytes only: it counts once. An aarch64 `dc` (a mnemonic of two hex letters)
    /// is an instruction, not a continuation.
    @Test func countsEachInstructionOnceAcrossWrappedLines() throws {
        let log = """
            IN: 
            0x00001000:  c7 05 c8 61 0f 00 01 00  movl     $1, 0xf61c8
            0x00001008:  00 00
            0x0000100a:  c3                       retl     

            IN: 
            0x00002000:  2c 7e 0b d5              dc       civac, x12

            Trace 0: 0x7f0000000100 [00000000/0000000000001000/0x00000000/ff000000] 
            Trace 0: 0x7f0000000200 [00000000/0000000000002000/0x00000000/ff000000] 
            Trace 0: 0x7f0000000100 [00000000/0000000000001000/0x00000000/ff000000] 
            Trace 0: 0x7f0000000300 [00000000/0000000000003000/0x00000000/ff000000] 

            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).log")
        try log.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let trace = try ExecutionTrace(log: file, from: 0x1000, to: 0x3000)
        #expect(trace.isComplete)
        #expect(trace.instructions == [0x1000: 4, 0x2000: 1])
        #expect(trace.total == 5)
    }
}

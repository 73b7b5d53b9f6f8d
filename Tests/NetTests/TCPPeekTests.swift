import Testing
import Net

/// A service that parses requests in place peeks at the received bytes and consumes only whole
/// requests; the rest stays in the connection (and so in its snapshot at an update).
@Suite struct TCPPeekTests {
    @Test func peekLeavesBytesAndConsumeRemovesThem() throws {
        let pair = try ConnectedPair(wire: TestWire())
        pair.server.onReadable = nil
        #expect(pair.client.write(Array("first\nsecond".utf8)) == 12)
        #expect(pair.wire.run(until: { pair.server.availableBytes == 12 }))
        #expect(pair.server.peekAll() == Array("first\nsecond".utf8))
        var tail = [UInt8](repeating: 0, count: 4)
        #expect(tail.withUnsafeMutableBytes { pair.server.peek(into: $0, offset: 8) } == 4)
        #expect(tail == Array("cond".utf8))
        #expect(pair.server.availableBytes == 12)
        pair.server.consume(6)
        #expect(pair.server.availableBytes == 6)
        #expect(pair.server.peekAll() == Array("second".utf8))
        pair.server.consume(100)
        #expect(pair.server.availableBytes == 0)
        #expect(tail.withUnsafeMutableBytes { pair.server.peek(into: $0, offset: 3) } == 0)
    }

    /// Peeked bytes still fill the receive window; consuming them reopens it.
    @Test func consumingReopensTheWindow() throws {
        var parameters = NetworkParameters()
        parameters.tcpReceiveBufferSize = 8192
        let pair = try ConnectedPair(wire: TestWire(parameters: parameters))
        pair.server.onReadable = nil
        #expect(pair.server.receiveCapacity == 8192)
        let sent = pair.client.write([UInt8](repeating: 7, count: 20_000))
        #expect(sent == 20_000)
        #expect(pair.wire.run(until: { pair.server.availableBytes == 8192 }))
        _ = pair.wire.run(for: 300 * ms)
        #expect(pair.server.availableBytes == 8192, "more arrived than the window allows")
        pair.server.consume(8192)
        #expect(pair.wire.run(until: { pair.server.availableBytes == 8192 }))
        pair.server.consume(8192)
        #expect(pair.wire.run(until: { pair.server.availableBytes == 20_000 - 2 * 8192 }))
    }
}

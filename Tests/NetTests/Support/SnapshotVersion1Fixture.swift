import LiveUpdate

/// Entries saved by the version-1 writer (the one before connection records, main 7691725):
/// a stack listening on port 80 (backlog 7) with one established connection holding 300
/// bytes unread, 200 unacknowledged and a 5-byte out-of-order block 50 bytes ahead, and one
/// half-open connection from port 40001 (in the order written). Images already deployed write
/// this; it must restore.
enum SnapshotVersion1Fixture {
    static let entries: [SnapshotArea.Entry] = [(.buffer, stackRecord), (.tcp, halfOpen), (.tcp, established)]

    static let stackRecord = bytes([
        "0100340000001000000000020f02000a00ffffff010202000a0000000000956eeb2f2632d7bd03f166b233e3ef2800ca",
        "9a3b00000000040052df010000000202000a20000000000200b864d94500000001000000500007000000"])

    static let halfOpen = bytes([
        "0100a40000000f02000a50000202000a419c022842961f881300002842961f2942961f2942961fffff0000ffff000088",
        "130000000000000703b40500008913000088130100000000000000000000000000000000000000000000000000000000",
        "00ca9a3b00000000000000001c110000ffffff7f2842961f00000000000000000000000000ca9a3b00000000ffffffff",
        "ffffffffffffffffffffffffffffffffffffffff000000015000000000000000000000000000"])

    static let established = bytes([
        "0100a40000000f02000a50000202000a409c03808cf62940420f00818cf629498df629498df62980ff7f0080ff7f009f",
        "430f00818cf6290703b40500006d430f003d421300000000000000000000000001000000000000000000000000000000",
        "00c2eb0b00000000000000001d110000ffffff7f808cf62900000000000000000000000000c2eb0b00000000ffffffff",
        "ffffffffffffffffffffffffffffffffffffffff010000000000c8000000abababababababababababababababababab",
        "abababababababababababababababababababababababababababababababababababababababababababababababab",
        "abababababababababababababababababababababababababababababababababababababababababababababababab",
        "abababababababababababababababababababababababababababababababababababababababababababababababab",
        "abababababababababababababababababababababababababababababababababababababab2c010000000102030405",
        "060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435",
        "363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465",
        "666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495",
        "969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5",
        "c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5",
        "f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425",
        "262728292a2b010000009f430f00050000000102030405"])

    /// Two hex digits per byte.
    private static func bytes(_ lines: [String]) -> [UInt8] {
        let digits = Array(lines.joined().utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0 ..< $0 + 2], as: UTF8.self), radix: 16)! }
    }
}

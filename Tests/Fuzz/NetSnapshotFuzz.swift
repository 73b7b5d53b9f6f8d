import LiveUpdate
import Net

/// libFuzzer entry point over `NetworkStack.restore` reading connection records. Built and run
/// by `run-fuzz.sh netsnapshot`. Input layout:
///   byte 0, bit 0: the rest of the input is the whole entry of connection records;
///   otherwise: byte 1 trims that many bytes (mod 64) off the records entry of a sample stack (a
///   listener and three connections in SYN-SENT, one with queued bytes), and each following
///   3 bytes {offset low, offset high, value} overwrite one byte of it.
/// The entry is stored after the sample's stack record. Nothing may crash: a restore either
/// fails, leaving the stack empty, or gives connections that take writes, reads and every
/// timer for ten minutes.
@_cdecl("LLVMFuzzerTestOneInput")
public func netSnapshotFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let entry = input[0] & 1 != 0 ? Array(input[1...]) : edited(sample.connections, by: input)
    let area = UnsafeMutableRawPointer.allocate(byteCount: areaSize, alignment: 8)
    defer { area.deallocate() }
    let id = NetworkStack.snapshotEntryID
    guard (try? LiveUpdate.store(at: area, limit: areaSize, { (storage: inout Storage) throws(StorageError) in
        try storage.add(id: id, type: .buffer, bytes: sample.stackRecord)
        try storage.add(id: id, type: .buffer, bytes: entry)
        try storage.putMarker(id: id)
    })) != nil else { return 0 }
    let stack = makeStack()
    var restored = false
    try? LiveUpdate.resume(at: area, limit: areaSize) { (restore: inout Restore) throws(StorageError) in
        do throws(NetSnapshotError) {
            try stack.restore(from: &restore, now: 5_000_000_000)
            restored = true
        } catch {
            restore.cancel()
        }
    }
    guard restored else {
        if stack.tcp.connectionCount != 0 || stack.tcp.listener(port: 80) != nil { fatalError("a failed restore left state behind") }
        return 0
    }
    for connection in stack.tcp.connections {
        _ = connection.readAll()
        connection.write([1, 2, 3])
    }
    for second in 6 ... 600 { stack.poll(now: UInt64(second) * 1_000_000_000) }
    return 0
}

private let areaSize = 1 << 20

private func makeStack() -> NetworkStack {
    NetworkStack(config: InterfaceConfig(mac: MACAddress(raw: 0x0200_0000_0001), ip: IPv4Address(10, 0, 2, 15),
                                         netmask: IPv4Address(255, 255, 255, 0), gateway: IPv4Address(10, 0, 2, 2)),
                 random: { 42 }, transmit: { _ in })
}

/// The stack record and the connection records a stack with a listener and three active opens saves.
private let sample: (stackRecord: [UInt8], connections: [UInt8]) = {
    let stack = makeStack()
    _ = try? stack.tcp.listen(port: 80)
    for port: UInt16 in [7, 8, 9] {
        let connection = try? stack.tcp.connect(to: SocketAddress(IPv4Address(10, 0, 2, 2), port))
        if port == 9 { connection?.write([UInt8](repeating: 0xAB, count: 100)) }
    }
    let area = UnsafeMutableRawPointer.allocate(byteCount: areaSize, alignment: 8)
    defer { area.deallocate() }
    var entries: [[UInt8]] = []
    _ = try? LiveUpdate.store(at: area, limit: areaSize) { (storage: inout Storage) throws(StorageError) in
        try stack.save(into: &storage, now: 1_000_000_000)
    }
    try? LiveUpdate.resume(at: area, limit: areaSize) { (restore: inout Restore) throws(StorageError) in
        while !restore.isMarker {
            entries.append(try restore.asBytes())
            try restore.next()
        }
    }
    return (entries.first ?? [], entries.dropFirst().first ?? [])
}()

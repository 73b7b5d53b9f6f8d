import LiveUpdate
import Testing

/// A service's saved settings, in two versions: version 2 appends `timeout` inside the group
/// closed by marker 100, which is how the format evolves without breaking either side.
struct ServiceState: Equatable {
    static let groupMarker: UInt16 = 100
    static let defaultTimeout = 30

    var name: String
    var port: Int
    var timeout: Int?
    var trailer: String

    func saveVersion1(_ storage: inout Storage) throws(StorageError) {
        try storage.add(id: 1, name)
        try storage.add(id: 2, port)
        try storage.putMarker(id: Self.groupMarker)
        try storage.add(id: 10, trailer)
    }

    func saveVersion2(_ storage: inout Storage) throws(StorageError) {
        try storage.add(id: 1, name)
        try storage.add(id: 2, port)
        try storage.add(id: 3, timeout ?? Self.defaultTimeout)
        try storage.putMarker(id: Self.groupMarker)
        try storage.add(id: 10, trailer)
    }

    /// Reads the fields it knows, then skips whatever a newer writer added before the marker.
    static func restoreVersion1(_ r: inout Restore) throws(StorageError) -> ServiceState {
        let name = try r.asString()
        try r.next()
        let port = try r.asInt()
        try r.next()
        try r.popMarker(id: groupMarker)
        return ServiceState(name: name, port: port, timeout: nil, trailer: try r.asString())
    }

    /// Reads `timeout` when present; an older writer's group ends before it.
    static func restoreVersion2(_ r: inout Restore) throws(StorageError) -> ServiceState {
        let name = try r.asString()
        try r.next()
        let port = try r.asInt()
        try r.next()
        var timeout = defaultTimeout
        if !r.isMarker {
            timeout = try r.asInt()
        }
        try r.popMarker(id: groupMarker)
        return ServiceState(name: name, port: port, timeout: timeout, trailer: try r.asString())
    }
}

@Suite("Markers and versioning")
struct MarkerVersioningTests {
    let state = ServiceState(name: "echo", port: 7, timeout: 90, trailer: "after the group")

    typealias Save = (ServiceState) -> (inout Storage) throws(StorageError) -> Void

    func roundTrip(
        save: Save, restore: (inout Restore) throws(StorageError) -> ServiceState
    ) throws -> ServiceState? {
        let area = TestArea(size: 1024)
        try area.store { storage throws(StorageError) in try save(state)(&storage) }
        var restored: ServiceState?
        try area.resume { r throws(StorageError) in restored = try restore(&r) }
        return restored
    }

    @Test("a newer writer's extra field is skipped by an older reader")
    func newerWriterOlderReader() throws {
        let restored = try roundTrip(save: ServiceState.saveVersion2, restore: ServiceState.restoreVersion1)
        #expect(restored == ServiceState(name: "echo", port: 7, timeout: nil, trailer: "after the group"))
    }

    @Test("an older writer is read by a newer reader, which uses the default")
    func olderWriterNewerReader() throws {
        let restored = try roundTrip(save: ServiceState.saveVersion1, restore: ServiceState.restoreVersion2)
        #expect(restored?.timeout == ServiceState.defaultTimeout)
        #expect(restored?.trailer == "after the group")
    }

    @Test("same-version round trip keeps every field")
    func sameVersion() throws {
        let restored = try roundTrip(save: ServiceState.saveVersion2, restore: ServiceState.restoreVersion2)
        #expect(restored == state)
    }

    @Test("popMarker() returns the marker id and moves past it")
    func popAnyMarker() throws {
        let area = TestArea(size: 512)
        try area.store { s throws(StorageError) in
            try s.add(id: 1, 1)
            try s.putMarker(id: 5)
            try s.putMarker(id: 6)
            try s.add(id: 2, 2)
        }
        try area.resume { r throws(StorageError) in
            #expect(try r.popMarker() == 5)
            #expect(try r.popMarker() == 6)
            #expect(try r.asInt() == 2)
        }
    }

    @Test("popMarker(id:) with the wrong id throws and stays on the marker")
    func wrongMarkerID() throws {
        let area = TestArea(size: 512)
        try area.store { s throws(StorageError) in
            try s.add(id: 1, 1)
            try s.putMarker(id: 5)
        }
        try area.resume { r throws(StorageError) in
            #expect(throws: StorageError.markerIDMismatch(expected: 6, found: 5)) { try r.popMarker(id: 6) }
            #expect(r.isMarker && r.id == 5)
            try r.popMarker(id: 5)
            #expect(r.isEnd == true)
        }
    }

    @Test("popMarker without a marker ahead throws markerNotFound and stops at END")
    func noMarker() throws {
        let area = TestArea(size: 512)
        try area.store { s throws(StorageError) in try s.add(id: 1, "x") }
        try area.resume { r throws(StorageError) in
            #expect(throws: StorageError.markerNotFound) { try r.popMarker() }
            #expect(r.isEnd == true)
        }
    }
}

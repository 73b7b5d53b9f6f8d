import LiveUpdate

/// Valid stored areas to mutate in the fuzzing tests.
enum SampleArea {
    /// Every entry type, two marker-closed groups, integers of both widths.
    static func everyEntryType() throws(StorageError) -> [UInt8] {
        let area = TestArea(size: 512)
        let stored = try area.store { s throws(StorageError) in
            try s.add(id: 1, -12)
            try s.add(id: 2, Int64(Int32.max) + 5)
            try s.add(id: 3, "seed")
            try s.add(id: 4, bytes: [0, 1, 2, 3, 4, 5, 6, 7, 8])
            try s.putMarker(id: 10)
            try s.add(id: 5, [UInt64(1), 2])
            try s.add(id: 6, ["x", "yz", ""])
            try s.add(id: 7, (UInt64(3), UInt64(4)))
            try s.add(id: 8, type: .tcp, bytes: [1, 2, 3])
            try s.add(id: 9, type: EntryType.userDefined(1024)!, bytes: [4])
            try s.putMarker(id: 11)
        }
        return Array(area.bytes[..<stored])
    }
}

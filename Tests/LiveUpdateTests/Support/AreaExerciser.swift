import LiveUpdate

/// Feeds an arbitrary area to the reader: validates it and, when valid, resumes it calling
/// every accessor on every entry. Shared by the mutation test and the libFuzzer target.
enum AreaExerciser {
    enum Outcome: Equatable {
        case rejected(StorageError)
        /// Validated and walked to END, visiting `entries` entries.
        case resumed(entries: Int)
        /// Validated, but the walk threw: a validation gap.
        case walkFailed(StorageError)
    }

    static func exercise(_ area: UnsafeMutableRawPointer, limit: Int) -> Outcome {
        let info: StoredAreaInfo
        do throws(StorageError) {
            info = try LiveUpdate.validate(at: area, limit: limit)
        } catch {
            return .rejected(error)
        }
        var visited = 0
        do throws(StorageError) {
            try LiveUpdate.resume(at: area, limit: limit) { restore throws(StorageError) in
                while !restore.isEnd {
                    readEverything(restore)
                    visited += 1
                    if restore.isMarker {
                        try restore.popMarker(id: restore.id)
                    } else {
                        try restore.next()
                    }
                }
            }
        } catch {
            return .walkFailed(error)
        }
        return visited == info.entryCount ? .resumed(entries: visited) : .walkFailed(.missingEnd)
    }

    private static func readEverything(_ restore: borrowing Restore) {
        _ = restore.type
        _ = restore.id
        _ = restore.length
        _ = try? restore.asInt()
        _ = try? restore.asInt64()
        _ = try? restore.asString()
        _ = try? restore.asBytes()
        _ = try? restore.withBytes { $0.reduce(0, &+) }
        _ = try? restore.asArray(of: UInt8.self)
        _ = try? restore.asArray(of: UInt64.self)
        _ = try? restore.asStrings()
        _ = try? restore.as(UInt32.self)
        _ = try? restore.as((UInt64, UInt64).self)
    }
}

import Kernel

/// The keyspace in the storage area: records packed into entries of about a megabyte, so an
/// update writes a few large entries rather than one per key (its time is downtime). A
/// record: the type (1 byte), the deadline (8), the key, then a string's bytes, or a count and
/// the elements (a hash's as field, value). Keys and elements are length-prefixed.
enum KeyspaceSnapshot {
    static let chunkBytes = 1 << 20

    private enum Kind: UInt8 { case string = 1, list, hash, set }

    static func save(_ keyspace: Keyspace, into storage: inout Storage, id: UInt16) throws(StorageError) {
        var chunk = Bytes()
        chunk.reserveCapacity(chunkBytes + 4096)
        for (key, entry) in keyspace.table {
            append(key, entry, to: &chunk)
            if chunk.count >= chunkBytes {
                try storage.add(id: id, bytes: chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { try storage.add(id: id, bytes: chunk) }
    }

    private static func append(_ key: Bytes, _ entry: Entry, to chunk: inout Bytes) {
        switch entry.value {
        case .string(let bytes):
            header(.string, key, entry.deadline, count: nil, &chunk)
            chunk.appendField(bytes)
        case .list(let list):
            header(.list, key, entry.deadline, count: list.count, &chunk)
            for index in 0..<list.count { chunk.appendField(list[index]) }
        case .hash(let hash):
            header(.hash, key, entry.deadline, count: hash.count, &chunk)
            for (field, value) in hash.fields {
                chunk.appendField(field)
                chunk.appendField(value)
            }
        case .set(let set):
            header(.set, key, entry.deadline, count: set.count, &chunk)
            for (member, _) in set.members { chunk.appendField(member) }
        }
    }

    /// The type, deadline and key, and a container's element count.
    private static func header(_ kind: Kind, _ key: Bytes, _ deadline: UInt64, count: Int?, _ chunk: inout Bytes) {
        chunk.append(kind.rawValue)
        chunk.appendLE(deadline)
        chunk.appendField(key)
        if let count { chunk.appendLE(UInt32(count)) }
    }

    /// Adds the records of one chunk to `keyspace`; false when the chunk is malformed.
    static func restore(_ bytes: UnsafeRawBufferPointer, into keyspace: Keyspace) -> Bool {
        var reader = ByteReader(bytes)
        while !reader.isAtEnd {
            guard let raw = reader.integer(UInt8.self), let kind = Kind(rawValue: raw),
                  let deadline = reader.integer(UInt64.self), let key = reader.field() else { return false }
            if kind == .string {
                guard let value = reader.field() else { return false }
                keyspace.set(key, .string(value), deadline: deadline)
                continue
            }
            guard let count = reader.integer(UInt32.self) else { return false }
            // The container goes into the keyspace empty and is filled there, so its elements
            // are counted in UsedMemory once.
            switch kind {
            case .list:
                let list = ListValue()
                keyspace.set(key, .list(list), deadline: deadline)
                for _ in 0..<count {
                    guard let element = reader.field() else { return false }
                    list.pushBack(element)
                }
            case .hash:
                let hash = HashValue()
                keyspace.set(key, .hash(hash), deadline: deadline)
                for _ in 0..<count {
                    guard let field = reader.field(), let value = reader.field() else { return false }
                    hash.set(field, value)
                }
            default:
                let set = SetValue()
                keyspace.set(key, .set(set), deadline: deadline)
                for _ in 0..<count {
                    guard let member = reader.field() else { return false }
                    _ = set.add(member)
                }
            }
        }
        return true
    }
}

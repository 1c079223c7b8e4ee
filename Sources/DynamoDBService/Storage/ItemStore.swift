import SandboxStorage

/// A table item's primary key as stored: order-preserving bytes of the partition and sort keys.
struct ItemKey: Hashable {
    var hk: [UInt8]
    var rk: [UInt8]
}

extension TableMeta {
    static let maxHashKeyBytes = 2048
    static let maxRangeKeyBytes = 1024

    private func keyPartBytes(_ attr: KeyAttribute, _ v: AttributeValue, isHash: Bool) throws(DynamoDBError) -> [UInt8] {
        guard let bytes = v.keyBytes else { throw .validation("") }
        switch v {
        case .s(let s) where s.isEmpty:
            throw .validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: \(attr.name)")
        case .b(let b) where b.isEmpty:
            throw .validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: \(attr.name)")
        default: break
        }
        if isHash, v.size > Self.maxHashKeyBytes {
            throw DynamoDBError.invalidParameter("Size of hashkey has exceeded the maximum size limit of2048 bytes")
        }
        if !isHash, v.size > Self.maxRangeKeyBytes {
            throw DynamoDBError.invalidParameter("Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
        }
        return bytes
    }

    /// The key of an item being written (PutItem messages).
    func itemKey(ofItem item: Item) throws(DynamoDBError) -> ItemKey {
        func part(_ attr: KeyAttribute, isHash: Bool) throws(DynamoDBError) -> [UInt8] {
            guard let v = item[attr.name] else { throw DynamoDBError.invalidParameter("Missing the key \(attr.name) in the item") }
            guard v.typeName == attr.type else {
                throw DynamoDBError.invalidParameter("Type mismatch for key \(attr.name) expected: \(attr.type) actual: \(v.typeName)")
            }
            return try keyPartBytes(attr, v, isHash: isHash)
        }
        let hk = try part(hashKey, isHash: true)
        let rk = try rangeKey.map { (r: KeyAttribute) throws(DynamoDBError) -> [UInt8] in try part(r, isHash: false) } ?? []
        return ItemKey(hk: hk, rk: rk)
    }

    /// The key named by a `Key` parameter, which must hold exactly the key attributes.
    func itemKey(fromKey key: Item) throws(DynamoDBError) -> ItemKey {
        guard key.count == (rangeKey == nil ? 1 : 2) else { throw DynamoDBError.keySchemaMismatch }
        func part(_ attr: KeyAttribute, isHash: Bool) throws(DynamoDBError) -> [UInt8] {
            guard let v = key[attr.name], v.typeName == attr.type else { throw DynamoDBError.keySchemaMismatch }
            return try keyPartBytes(attr, v, isHash: isHash)
        }
        let hk = try part(hashKey, isHash: true)
        let rk = try rangeKey.map { (r: KeyAttribute) throws(DynamoDBError) -> [UInt8] in try part(r, isHash: false) } ?? []
        return ItemKey(hk: hk, rk: rk)
    }

    /// Just the table key attributes of an item.
    func keyAttributes(of item: Item) -> Item {
        var out: Item = [:]
        out[hashKey.name] = item[hashKey.name]
        if let r = rangeKey { out[r.name] = item[r.name] }
        return out
    }

    /// The index key of an item, or nil when the item lacks an index key attribute (sparse index).
    func indexKey(_ index: IndexMeta, of item: Item) throws(DynamoDBError) -> ItemKey? {
        func part(_ attr: KeyAttribute) throws(DynamoDBError) -> [UInt8]?? {
            guard let v = item[attr.name] else { return .some(nil) }
            guard v.typeName == attr.type, let bytes = v.keyBytes else {
                throw DynamoDBError.invalidParameter("Type mismatch for Index Key \(attr.name) Expected: \(attr.type) Actual: \(v.typeName) IndexName: \(index.name)")
            }
            if bytes.isEmpty {
                throw .validation("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty \(attr.type == "S" ? "string" : "binary") value. IndexName: \(index.name), IndexKey: \(attr.name)")
            }
            return .some(bytes)
        }
        guard let hk = try part(index.hashKey), let hkBytes = hk else { return nil }
        var rkBytes: [UInt8] = []
        if let r = index.rangeKey {
            guard let rk = try part(r), let b = rk else { return nil }
            rkBytes = b
        }
        return ItemKey(hk: hkBytes, rk: rkBytes)
    }

    /// Attributes an index holds for an item (its projection).
    func project(_ item: Item, for index: IndexMeta) -> Item {
        if index.projectionType == "ALL" { return item }
        var out = keyAttributes(of: item)
        out[index.hashKey.name] = item[index.hashKey.name]
        if let r = index.rangeKey { out[r.name] = item[r.name] }
        if index.projectionType == "INCLUDE" {
            for a in index.nonKeyAttributes { out[a] = item[a] }
        }
        return out
    }

    /// The TTL column value: the TTL attribute as whole epoch seconds, when it is a Number.
    func ttlValue(of item: Item) -> Int64? {
        guard let attr = activeTTLAttribute, case .n(let n)? = item[attr] else { return nil }
        return n.integerPart
    }
}

extension DynamoNumber {
    /// The integer part, clamped to Int64.
    var integerPart: Int64 {
        if isZero || exponent <= 0 { return 0 }
        if exponent > 18 { return negative ? Int64.min : Int64.max }
        var v: Int64 = 0
        for i in 0..<exponent { v = v * 10 + Int64(i < digits.count ? digits[i] : 0) }
        return negative ? -v : v
    }
}

/// SQL for items and index entries. The only place item SQL lives.
enum ItemStore {
    static let migrations: [Migration] = [
        Migration(id: "dynamodb-1", sql: """
            CREATE TABLE ddb_tables (name TEXT PRIMARY KEY, id INTEGER NOT NULL UNIQUE, meta TEXT NOT NULL);
            CREATE TABLE ddb_items (
                tid INTEGER NOT NULL, hk BLOB NOT NULL, rk BLOB NOT NULL,
                item BLOB NOT NULL, size INTEGER NOT NULL, ttl INTEGER,
                PRIMARY KEY (tid, hk, rk)
            ) WITHOUT ROWID;
            CREATE INDEX ddb_items_ttl ON ddb_items (ttl) WHERE ttl IS NOT NULL;
            CREATE TABLE ddb_index_items (
                xid INTEGER NOT NULL, ihk BLOB NOT NULL, irk BLOB NOT NULL, hk BLOB NOT NULL, rk BLOB NOT NULL,
                PRIMARY KEY (xid, ihk, irk, hk, rk)
            ) WITHOUT ROWID;
            CREATE INDEX ddb_index_items_by_key ON ddb_index_items (xid, hk, rk);
            CREATE TABLE ddb_sequence (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            """),
    ]

    struct StoredItem {
        var item: Item
        var size: Int
    }

    static func nextID(_ db: SQLiteConnection) throws -> Int64 {
        try db.execute("INSERT INTO ddb_sequence (name, value) VALUES ('id', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1")
        return try db.query("SELECT value FROM ddb_sequence WHERE name = 'id'") { $0.int(0) }.first ?? 1
    }

    static func get(_ db: SQLiteConnection, _ table: TableMeta, _ key: ItemKey) throws -> StoredItem? {
        try db.query("SELECT item, size FROM ddb_items WHERE tid = ? AND hk = ? AND rk = ?",
                     [.integer(table.storageID), .blob(key.hk), .blob(key.rk)]) {
            StoredItem(item: ItemCodec.decode($0.blob(0)), size: Int($0.int(1)))
        }.first
    }

    /// Writes `item` under `key`, replacing `old` (whose index entries are removed).
    static func put(_ db: SQLiteConnection, _ table: TableMeta, _ key: ItemKey, _ item: Item, size: Int, old: Item?) throws {
        let ttl: SQLValue = table.ttlValue(of: item).map { .integer($0) } ?? .null
        try db.execute("INSERT OR REPLACE INTO ddb_items (tid, hk, rk, item, size, ttl) VALUES (?, ?, ?, ?, ?, ?)",
                       [.integer(table.storageID), .blob(key.hk), .blob(key.rk), .blob(ItemCodec.encode(item)), .integer(Int64(size)), ttl])
        for index in table.indexes {
            let newKey = try table.indexKey(index, of: item)
            let oldKey = old.flatMap { try? table.indexKey(index, of: $0) }
            // An overwrite that keeps the index key (a status report) leaves the index untouched.
            if newKey == oldKey { continue }
            if let oldKey { try removeIndexEntry(db, index, oldKey, key) }
            if let ik = newKey {
                try db.execute("INSERT OR REPLACE INTO ddb_index_items (xid, ihk, irk, hk, rk) VALUES (?, ?, ?, ?, ?)",
                               [.integer(index.storageID), .blob(ik.hk), .blob(ik.rk), .blob(key.hk), .blob(key.rk)])
            }
        }
    }

    static func delete(_ db: SQLiteConnection, _ table: TableMeta, _ key: ItemKey, old: Item?) throws {
        try db.execute("DELETE FROM ddb_items WHERE tid = ? AND hk = ? AND rk = ?",
                       [.integer(table.storageID), .blob(key.hk), .blob(key.rk)])
        if let old { try removeIndexEntries(db, table, key, old) }
    }

    private static func removeIndexEntries(_ db: SQLiteConnection, _ table: TableMeta, _ key: ItemKey, _ old: Item) throws {
        for index in table.indexes {
            if let ik = try? table.indexKey(index, of: old) { try removeIndexEntry(db, index, ik, key) }
        }
    }

    private static func removeIndexEntry(_ db: SQLiteConnection, _ index: IndexMeta, _ ik: ItemKey, _ key: ItemKey) throws {
        try db.execute("DELETE FROM ddb_index_items WHERE xid = ? AND ihk = ? AND irk = ? AND hk = ? AND rk = ?",
                       [.integer(index.storageID), .blob(ik.hk), .blob(ik.rk), .blob(key.hk), .blob(key.rk)])
    }

    /// Builds an index's entries from the table's items (new GSI).
    static func backfill(_ db: SQLiteConnection, _ table: TableMeta, _ index: IndexMeta) throws {
        var rows: [(ItemKey, ItemKey)] = []
        try db.forEachRow("SELECT hk, rk, item FROM ddb_items WHERE tid = ?", [.integer(table.storageID)]) { row in
            let item = ItemCodec.decode(row.blob(2))
            if let ik = try? table.indexKey(index, of: item) {
                rows.append((ItemKey(hk: row.blob(0), rk: row.blob(1)), ik))
            }
            return true
        }
        for (key, ik) in rows {
            try db.execute("INSERT OR REPLACE INTO ddb_index_items (xid, ihk, irk, hk, rk) VALUES (?, ?, ?, ?, ?)",
                           [.integer(index.storageID), .blob(ik.hk), .blob(ik.rk), .blob(key.hk), .blob(key.rk)])
        }
    }

    static func dropIndex(_ db: SQLiteConnection, _ index: IndexMeta) throws {
        try db.execute("DELETE FROM ddb_index_items WHERE xid = ?", [.integer(index.storageID)])
    }

    static func dropTable(_ db: SQLiteConnection, _ table: TableMeta) throws {
        try db.execute("DELETE FROM ddb_items WHERE tid = ?", [.integer(table.storageID)])
        for index in table.indexes { try dropIndex(db, index) }
        try db.execute("DELETE FROM ddb_tables WHERE name = ?", [.text(table.name)])
    }

    /// Recomputes the TTL column of every item of the table (TTL turned on or off).
    static func refreshTTL(_ db: SQLiteConnection, _ table: TableMeta) throws {
        guard table.activeTTLAttribute != nil else {
            try db.execute("UPDATE ddb_items SET ttl = NULL WHERE tid = ?", [.integer(table.storageID)])
            return
        }
        var updates: [(ItemKey, Int64?)] = []
        try db.forEachRow("SELECT hk, rk, item FROM ddb_items WHERE tid = ?", [.integer(table.storageID)]) { row in
            updates.append((ItemKey(hk: row.blob(0), rk: row.blob(1)), table.ttlValue(of: ItemCodec.decode(row.blob(2)))))
            return true
        }
        for (key, ttl) in updates {
            try db.execute("UPDATE ddb_items SET ttl = ? WHERE tid = ? AND hk = ? AND rk = ?",
                           [ttl.map { .integer($0) } ?? .null, .integer(table.storageID), .blob(key.hk), .blob(key.rk)])
        }
    }

    static func stats(_ db: SQLiteConnection, _ table: TableMeta) throws -> TableMeta.Stats {
        var stats = TableMeta.Stats()
        try db.forEachRow("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM ddb_items WHERE tid = ?", [.integer(table.storageID)]) { row in
            stats.itemCount = Int(row.int(0))
            stats.sizeBytes = Int(row.int(1))
            return false
        }
        for index in table.indexes {
            try db.forEachRow("""
                SELECT COUNT(*), COALESCE(SUM(t.size), 0) FROM ddb_index_items x
                JOIN ddb_items t ON t.tid = ? AND t.hk = x.hk AND t.rk = x.rk WHERE x.xid = ?
                """, [.integer(table.storageID), .integer(index.storageID)]) { row in
                stats.indexStats[index.name] = (Int(row.int(0)), Int(row.int(1)))
                return false
            }
        }
        return stats
    }

    // MARK: Range reads

    /// One row of a query or scan: the table key, the index key (for index reads) and the item.
    struct Row {
        var key: ItemKey
        var indexKey: ItemKey?
        var stored: StoredItem
    }

    /// Where a read resumes: strictly after this position in read order.
    struct Position {
        var indexKey: ItemKey?
        var key: ItemKey
    }

    private static func rangeClause(_ column: String, _ range: KeyCondition.Range?, into sql: inout String, _ args: inout [SQLValue]) {
        guard let range else { return }
        switch range {
        case .eq(let v): sql += " AND \(column) = ?"; args.append(.blob(v))
        case .lt(let v): sql += " AND \(column) < ?"; args.append(.blob(v))
        case .le(let v): sql += " AND \(column) <= ?"; args.append(.blob(v))
        case .gt(let v): sql += " AND \(column) > ?"; args.append(.blob(v))
        case .ge(let v): sql += " AND \(column) >= ?"; args.append(.blob(v))
        case .between(let a, let b): sql += " AND \(column) >= ? AND \(column) <= ?"; args += [.blob(a), .blob(b)]
        case .beginsWith(let p):
            sql += " AND \(column) >= ?"
            args.append(.blob(p))
            var upper = p
            while let last = upper.last, last == 0xFF { upper.removeLast() }
            if !upper.isEmpty {
                upper[upper.count - 1] += 1
                sql += " AND \(column) < ?"
                args.append(.blob(upper))
            }
        }
    }

    /// Reads a table partition (or a table scan when `hash` is nil) in key order, visiting rows
    /// until `visit` returns false.
    static func readTable(_ db: SQLiteConnection, _ table: TableMeta, hash: [UInt8]?, range: KeyCondition.Range?, forward: Bool,
                          after: Position?, _ visit: (Row) throws -> Bool) throws {
        var sql = "SELECT hk, rk, item, size FROM ddb_items WHERE tid = ?"
        var args: [SQLValue] = [.integer(table.storageID)]
        let cmp = forward ? ">" : "<"
        if let hash {
            sql += " AND hk = ?"
            args.append(.blob(hash))
            rangeClause("rk", range, into: &sql, &args)
            if let after {
                sql += " AND rk \(cmp) ?"
                args.append(.blob(after.key.rk))
            }
            sql += forward ? " ORDER BY rk" : " ORDER BY rk DESC"
        } else {
            if let after {
                sql += " AND (hk, rk) \(cmp) (?, ?)"
                args += [.blob(after.key.hk), .blob(after.key.rk)]
            }
            sql += forward ? " ORDER BY hk, rk" : " ORDER BY hk DESC, rk DESC"
        }
        try db.forEachRow(sql, args) { row in
            try visit(Row(key: ItemKey(hk: row.blob(0), rk: row.blob(1)), indexKey: nil,
                          stored: StoredItem(item: ItemCodec.decode(row.blob(2)), size: Int(row.int(3)))))
        }
    }

    /// Reads an index partition (or the whole index when `hash` is nil) in index-key order.
    static func readIndex(_ db: SQLiteConnection, _ table: TableMeta, _ index: IndexMeta, hash: [UInt8]?, range: KeyCondition.Range?,
                          forward: Bool, after: Position?, _ visit: (Row) throws -> Bool) throws {
        var sql = """
            SELECT x.ihk, x.irk, x.hk, x.rk, t.item, t.size FROM ddb_index_items x
            JOIN ddb_items t ON t.tid = ? AND t.hk = x.hk AND t.rk = x.rk WHERE x.xid = ?
            """
        var args: [SQLValue] = [.integer(table.storageID), .integer(index.storageID)]
        let cmp = forward ? ">" : "<"
        let dir = forward ? "" : " DESC"
        if let hash {
            sql += " AND x.ihk = ?"
            args.append(.blob(hash))
            rangeClause("x.irk", range, into: &sql, &args)
            if let after, let ik = after.indexKey {
                sql += " AND (x.irk, x.hk, x.rk) \(cmp) (?, ?, ?)"
                args += [.blob(ik.rk), .blob(after.key.hk), .blob(after.key.rk)]
            }
            sql += " ORDER BY x.irk\(dir), x.hk\(dir), x.rk\(dir)"
        } else {
            if let after, let ik = after.indexKey {
                sql += " AND (x.ihk, x.irk, x.hk, x.rk) \(cmp) (?, ?, ?, ?)"
                args += [.blob(ik.hk), .blob(ik.rk), .blob(after.key.hk), .blob(after.key.rk)]
            }
            sql += " ORDER BY x.ihk\(dir), x.irk\(dir), x.hk\(dir), x.rk\(dir)"
        }
        try db.forEachRow(sql, args) { row in
            try visit(Row(key: ItemKey(hk: row.blob(2), rk: row.blob(3)), indexKey: ItemKey(hk: row.blob(0), rk: row.blob(1)),
                          stored: StoredItem(item: ItemCodec.decode(row.blob(4)), size: Int(row.int(5)))))
        }
    }

    /// Expired items (TTL below `now`, but not more than five years old, as AWS skips those).
    static func expired(_ db: SQLiteConnection, now: Int64, limit: Int) throws -> [(tid: Int64, key: ItemKey, item: Item)] {
        let fiveYears: Int64 = 5 * 365 * 24 * 3600
        return try db.query("SELECT tid, hk, rk, item FROM ddb_items WHERE ttl IS NOT NULL AND ttl < ? AND ttl >= ? LIMIT ?",
                            [.integer(now), .integer(now - fiveYears), .integer(Int64(limit))]) { row in
            (row.int(0), ItemKey(hk: row.blob(1), rk: row.blob(2)), ItemCodec.decode(row.blob(3)))
        }
    }
}

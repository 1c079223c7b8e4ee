import AWSCore
import Foundation
import SandboxStorage

/// What usage adds up under: an hour of one usage type on one resource.
struct UsageKey: Hashable, Sendable {
    /// Start of the hour, seconds since 1970.
    var hour: Int64
    var accountID: String
    var region: String
    var service: String
    /// As billed, region prefix included (`APN1-ReadRequestUnits`), once stored; the meter keeps
    /// the service's name for it (`ReadRequestUnits`) until it flushes.
    var usageType: String
    var operation: String
    /// Empty when the usage belongs to no resource.
    var resourceARN: String
}

/// One stored line of usage: an hour's quantity of one usage type on one resource, with the tags
/// the resource had when the hour was flushed.
@dynamicMemberLookup
struct UsageLine: Sendable, Equatable {
    var key: UsageKey
    var tags: [String: String]
    var quantity: Double

    subscript<T>(dynamicMember member: KeyPath<UsageKey, T>) -> T { key[keyPath: member] }
}

/// Usage lines in SQLite: added to (never rewritten) as the meter flushes.
struct CostStore: Sendable {
    static let migrations = [
        Migration(id: "ce-0001", sql: """
            CREATE TABLE ce_usage (hour INTEGER NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL, service TEXT NOT NULL,
                usage_type TEXT NOT NULL, operation TEXT NOT NULL, resource TEXT NOT NULL, tags TEXT NOT NULL, quantity REAL NOT NULL,
                PRIMARY KEY (account, hour, region, service, usage_type, operation, resource, tags)) WITHOUT ROWID;
            """),
    ]

    let database: SQLiteDatabase

    func add(_ lines: [UsageLine]) throws {
        guard !lines.isEmpty else { return }
        try database.write { db in
            for line in lines {
                try db.execute("""
                    INSERT INTO ce_usage (hour, account, region, service, usage_type, operation, resource, tags, quantity)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity
                    """, [.integer(line.hour), .text(line.accountID), .text(line.region), .text(line.service), .text(line.usageType),
                          .text(line.operation), .text(line.resourceARN), .text(Self.encode(line.tags)), .double(line.quantity)])
            }
        }
    }

    /// Lines of `accountID` whose hour starts in [start, end).
    func lines(accountID: String, from start: Int64, to end: Int64) throws -> [UsageLine] {
        try database.read { db in
            try db.query("""
                SELECT hour, region, service, usage_type, operation, resource, tags, quantity FROM ce_usage
                WHERE account = ? AND hour >= ? AND hour < ? ORDER BY hour
                """, [.text(accountID), .integer(start), .integer(end)]) { row in
                UsageLine(key: UsageKey(hour: row.int(0), accountID: accountID, region: row.text(1) ?? "", service: row.text(2) ?? "",
                                        usageType: row.text(3) ?? "", operation: row.text(4) ?? "", resourceARN: row.text(5) ?? ""),
                          tags: Self.decode(row.text(6) ?? "{}"), quantity: row.double(7))
            }
        }
    }

    /// Tags as a JSON object with sorted keys, so equal tag sets store as one key.
    static func encode(_ tags: [String: String]) -> String {
        JSONValue.object(JSONObject(tags.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })).serializedString()
    }

    static func decode(_ text: String) -> [String: String] {
        var tags: [String: String] = [:]
        for (key, value) in (try? JSONParser.parse(text))?.objectValue ?? [:] { tags[key] = value.stringValue ?? "" }
        return tags
    }
}

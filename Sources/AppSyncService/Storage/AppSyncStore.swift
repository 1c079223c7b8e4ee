import AWSCore
import SandboxStorage

/// AppSync's durable state: every control-plane object as its AWS output document (JSON) in one table.
///
/// `kind` names the object family, `scope` its owner (an API id, or `""` for account-level
/// domain names) and `name` its key within the scope. Documents are stored exactly as the control
/// plane returns them, plus private members prefixed with `_` that are stripped on the way out.
struct AppSyncStore: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case api, schema, apiKey = "apikey", dataSource = "datasource", resolver, function, domainName = "domain", association
    }

    let database: SQLiteDatabase

    static let migrations = [
        Migration(id: "0100-appsync-objects", sql: """
            CREATE TABLE appsync_objects (
                kind TEXT NOT NULL, scope TEXT NOT NULL, name TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL,
                PRIMARY KEY (kind, scope, name)) WITHOUT ROWID;
            CREATE INDEX appsync_objects_scope ON appsync_objects (scope);
            """),
    ]

    func get(_ kind: Kind, scope: String, name: String) throws -> JSONObject? {
        try database.read { db in
            try db.query("SELECT doc FROM appsync_objects WHERE kind = ? AND scope = ? AND name = ?",
                         [.text(kind.rawValue), .text(scope), .text(name)]) { $0.text(0) }.first.flatMap(Self.decode)
        }
    }

    /// All objects of `kind` in `scope`, in creation order.
    func list(_ kind: Kind, scope: String) throws -> [JSONObject] {
        try database.read { db in
            try db.query("SELECT doc FROM appsync_objects WHERE kind = ? AND scope = ? ORDER BY seq",
                         [.text(kind.rawValue), .text(scope)]) { $0.text(0) }.compactMap(Self.decode)
        }
    }

    /// All objects of `kind`, whatever their scope, in creation order.
    func listAll(_ kind: Kind) throws -> [(scope: String, doc: JSONObject)] {
        try database.read { db in
            try db.query("SELECT scope, doc FROM appsync_objects WHERE kind = ? ORDER BY seq", [.text(kind.rawValue)]) {
                ($0.text(0) ?? "", $0.text(1))
            }.compactMap { row in Self.decode(row.1).map { (row.0, $0) } }
        }
    }

    /// Inserts or replaces; a replaced object keeps its place in listings.
    func put(_ kind: Kind, scope: String, name: String, _ doc: JSONObject) throws {
        let text = JSONValue.object(doc).serializedString()
        try database.write { db in
            try db.execute("""
                INSERT INTO appsync_objects (kind, scope, name, seq, doc)
                VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM appsync_objects), ?)
                ON CONFLICT (kind, scope, name) DO UPDATE SET doc = excluded.doc
                """, [.text(kind.rawValue), .text(scope), .text(name), .text(text)])
        }
    }

    /// Deletes one object; false when it did not exist.
    @discardableResult
    func delete(_ kind: Kind, scope: String, name: String) throws -> Bool {
        try database.write { db in
            try db.execute("DELETE FROM appsync_objects WHERE kind = ? AND scope = ? AND name = ?",
                           [.text(kind.rawValue), .text(scope), .text(name)]) > 0
        }
    }

    /// Deletes everything an API owns (its schema, keys, data sources, resolvers, functions) and the API itself.
    func deleteAPI(_ apiId: String) throws {
        try database.write { db in
            _ = try db.execute("DELETE FROM appsync_objects WHERE scope = ?", [.text(apiId)])
            _ = try db.execute("DELETE FROM appsync_objects WHERE kind = ? AND name = ?", [.text(Kind.api.rawValue), .text(apiId)])
        }
    }

    private static func decode(_ text: String?) -> JSONObject? {
        guard let text, case .object(let o)? = try? JSONParser.parse(text) else { return nil }
        return o
    }
}

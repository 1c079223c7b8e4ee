import AWSCore
import Foundation
import SandboxStorage

/// The sandbox's durable state: the database every service stores into, and who this sandbox is.
public final class SandboxState: Sendable {
    public struct Identity: Sendable {
        /// Stable across restarts of the same data directory.
        public let instanceID: String
        /// How many times this data directory has been served (1 on first start).
        public let startCount: Int
    }

    public let database: SQLiteDatabase
    public let identity: Identity
    public let dataDirectory: String
    public let startedAt = Date()
    /// Called after a reset has deleted all rows, so services drop what they cache.
    private let onReset: @Sendable () async -> Void

    static let migrations = [
        Migration(id: "0001-sandbox-meta", sql: "CREATE TABLE sandbox_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID"),
    ]

    public init(database: SQLiteDatabase, dataDirectory: String, migrations: [Migration] = [],
                onReset: @escaping @Sendable () async -> Void = {}) throws {
        self.database = database
        self.dataDirectory = dataDirectory
        self.onReset = onReset
        try database.migrate(Self.migrations + migrations)
        identity = try database.write { db in
            func value(_ key: String) throws -> String? {
                try db.query("SELECT value FROM sandbox_meta WHERE key = ?", [.text(key)]) { $0.text(0) }.first ?? nil
            }
            let instanceID = try value("instance_id") ?? RandomUUID.lowercased()
            let startCount = (try value("start_count").flatMap { Int($0) } ?? 0) + 1
            for (key, v) in [("instance_id", instanceID), ("start_count", String(startCount))] {
                try db.execute("INSERT INTO sandbox_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               [.text(key), .text(v)])
            }
            return Identity(instanceID: instanceID, startCount: startCount)
        }
    }

    /// Wipes all service data (every table but the sandbox's own identity).
    public func reset() async throws {
        try database.deleteAllRows(keeping: ["sandbox_meta"])
        await onReset()
    }
}

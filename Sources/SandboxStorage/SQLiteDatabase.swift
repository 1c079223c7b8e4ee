import CSQLite
import Foundation

/// One SQLite database in WAL mode: one writer connection behind a lock, and for a file
/// database a pool of reader connections, so reads run beside each other and beside a write.
///
/// Every write runs in one `BEGIN IMMEDIATE` transaction; a committed transaction is in the
/// WAL file before the call returns, so it survives the process being killed (`kill -9`).
/// (`synchronous=NORMAL` only risks the last commits on power loss, not on a crash.)
/// A read sees everything committed before it started. Statements are prepared once per SQL
/// text and connection, and reused. An in-memory database has the writer connection only.
public final class SQLiteDatabase: @unchecked Sendable {
    /// nil when the database lives in memory only.
    public let path: String?
    private let lock = NSLock()
    private let connection: SQLiteConnection
    private let readersLock = NSLock()
    private var idleReaders: [SQLiteConnection] = []

    /// Opens (creating if needed) the database at `path`, or an in-memory one for nil.
    public init(path: String?) throws {
        self.path = path
        connection = try SQLiteConnection(path: path ?? ":memory:")
        try connection.execute("PRAGMA journal_mode=WAL")
        try connection.execute("PRAGMA synchronous=NORMAL")
        try connection.execute("PRAGMA foreign_keys=ON")
        try connection.execute("PRAGMA busy_timeout=5000")
    }

    /// Runs `body` inside one write transaction; any thrown error rolls it back.
    public func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        try connection.execute("BEGIN IMMEDIATE")
        do {
            let result = try body(connection)
            try connection.execute("COMMIT")
            return result
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` with a connection of its own, outside any explicit transaction; it must only read.
    public func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        guard let path else {
            lock.lock()
            defer { lock.unlock() }
            return try body(connection)
        }
        let reader = try readersLock.withLock { idleReaders.popLast() } ?? Self.openReader(path: path)
        defer { readersLock.withLock { idleReaders.append(reader) } }
        return try body(reader)
    }

    private static func openReader(path: String) throws -> SQLiteConnection {
        let reader = try SQLiteConnection(path: path)
        try reader.execute("PRAGMA busy_timeout=5000")
        try reader.execute("PRAGMA query_only=ON")
        return reader
    }

    /// Applies each migration not applied before, in order, each in its own transaction.
    public func migrate(_ migrations: [Migration]) throws {
        try write { db in
            try db.execute("CREATE TABLE IF NOT EXISTS _migrations (id TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
        }
        for migration in migrations {
            try write { db in
                let done = try db.query("SELECT 1 FROM _migrations WHERE id = ?", [.text(migration.id)]) { _ in true }
                guard done.isEmpty else { return }
                try db.executeScript(migration.sql)
                try db.execute("INSERT INTO _migrations (id, applied_at) VALUES (?, ?)",
                               [.text(migration.id), .double(Date().timeIntervalSince1970)])
            }
        }
    }

    /// Deletes every row of every table except `keeping` (and the migration log): a fresh sandbox
    /// with the same schema.
    public func deleteAllRows(keeping: Set<String> = []) throws {
        try write { db in
            let tables = try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") { $0.text(0) ?? "" }
            for table in tables where table != "_migrations" && !keeping.contains(table) {
                try db.execute("DELETE FROM \(SQLiteConnection.quoteIdentifier(table))")
            }
        }
    }
}

/// A schema change, applied once and recorded by id.
public struct Migration: Sendable {
    public let id: String
    public let sql: String
    public init(id: String, sql: String) {
        self.id = id
        self.sql = sql
    }
}

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
/// The WAL is checkpointed by a ``WALCheckpointer`` thread, not inside commits.
public final class SQLiteDatabase: @unchecked Sendable {
    /// nil when the database lives in memory only.
    public let path: String?
    private let lock = NSLock()
    private let connection: SQLiteConnection
    private let readersLock = NSLock()
    private var idleReaders: [SQLiteConnection] = []
    private let checkpointer: WALCheckpointer?

    /// Opens (creating if needed) the database at `path`, or an in-memory one for nil.
    public init(path: String?) throws {
        self.path = path
        let writer = try SQLiteConnection(path: path ?? ":memory:")
        try writer.execute("PRAGMA busy_timeout=5000")
        do {
            try writer.execute("PRAGMA journal_mode=WAL")  // the first read: takes the file's process lock
        } catch let error as SQLiteError where error.isBusy {
            throw SQLiteError(code: error.code, message: "\(path ?? "") is in use by another process (one mesh-sandbox per data directory)")
        }
        try writer.execute("PRAGMA synchronous=NORMAL")
        try writer.execute("PRAGMA foreign_keys=ON")
        connection = writer
        let lock = self.lock
        checkpointer = try path.map { try WALCheckpointer(path: $0, writer: writer, writerLock: lock) }
    }

    deinit {
        checkpointer?.stop(writer: connection)
    }

    /// Runs `body` inside one write transaction; any thrown error rolls it back.
    public func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try transaction(body)
    }

    /// `body` in one `BEGIN IMMEDIATE` transaction on the writer; the caller holds `lock`.
    private func transaction<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
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

    /// Runs a short read (a point lookup) on the writer connection when no write holds it, else as
    /// ``read(_:)`` does; it never waits for a writer. The writer's page cache is always current,
    /// since every write goes through it, while a pooled reader drops its whole cache whenever the
    /// database changed since its last read and re-reads each page: under steady writes that made
    /// a GetItem several times dearer.
    public func pointRead<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        guard lock.try() else { return try read(body) }
        defer { lock.unlock() }
        return try body(connection)
    }

    private static func openReader(path: String) throws -> SQLiteConnection {
        let reader = try SQLiteConnection(path: path)
        try reader.execute("PRAGMA busy_timeout=5000")
        try reader.execute("PRAGMA query_only=ON")
        return reader
    }

    /// Runs `body` in one write transaction with the database file at `path` attached as `name`
    /// (for moving tables between databases; SQLite attaches only outside a transaction).
    public func withAttached<T>(_ path: String, as name: String, write body: (SQLiteConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        try connection.execute("ATTACH DATABASE ? AS \(SQLiteConnection.quoteIdentifier(name))", [.text(path)])
        defer { try? connection.execute("DETACH DATABASE \(SQLiteConnection.quoteIdentifier(name))") }
        return try transaction(body)
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

/// Checkpoints a database's WAL on a thread of its own. SQLite's auto-checkpoint runs inside
/// whichever commit takes the WAL past 1,000 pages, copying them and making `synchronous=NORMAL`'s
/// only two fsyncs, while every other writer waits. Here commits only append to the WAL; this
/// thread copies it back with passive checkpoints, which block neither readers nor writers.
/// A passive checkpoint that races steady writes never lets the WAL start over (a writer must
/// begin after a pass copied every frame); so once the WAL passes ``lockedThreshold`` pages, the
/// last few frames are copied with writers held back for that moment.
final class WALCheckpointer: @unchecked Sendable {
    /// WAL pages after which a checkpoint is requested (SQLite's auto-checkpoint default).
    static let threshold: Int32 = 1000
    /// WAL pages after which the remainder is checkpointed with writers held.
    static let lockedThreshold: Int32 = 4 * threshold
    /// WAL pages after which the committing writer checkpoints itself, should this thread fall far behind.
    static let inlineThreshold: Int32 = 16 * threshold

    private let connection: SQLiteConnection
    private let writerLock: NSLock
    private let condition = NSCondition()
    private var requested = false
    private var stopped = false
    private var running = true

    init(path: String, writer: SQLiteConnection, writerLock: NSLock) throws {
        connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA busy_timeout=5000")
        try connection.execute("PRAGMA journal_mode=WAL")  // a connection that has read nothing yet cannot checkpoint
        self.writerLock = writerLock
        writer.setWALHook({ context, db, _, walPages in
            guard let context else { return SQLITE_OK }
            if walPages >= WALCheckpointer.inlineThreshold {
                sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            } else if walPages >= WALCheckpointer.threshold {
                Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().request()
            }
            return SQLITE_OK
        }, context: Unmanaged.passUnretained(self).toOpaque())
        let thread = Thread { [self] in run() }
        thread.name = "sqlite-checkpoint"
        thread.start()
    }

    /// Asks for a checkpoint; returns at once (called inside a commit).
    func request() {
        condition.withLock {
            requested = true
            condition.signal()
        }
    }

    /// Detaches from the writer and ends the thread, after any checkpoint under way; returns once
    /// it has ended, so the database can be opened again at once.
    func stop(writer: SQLiteConnection) {
        writer.setWALHook(nil, context: nil)
        condition.lock()
        stopped = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while !requested && !stopped { condition.wait() }
            if stopped {
                running = false
                condition.broadcast()
                condition.unlock()
                return
            }
            requested = false
            condition.unlock()
            // The WAL starts over only when a writer begins after every frame was copied. Under
            // steady writes a passive pass ends a few frames short, or ends complete just as the
            // next writer begins after it; so past the threshold the rest goes with writers held.
            if connection.checkpointPassive().walPages >= Self.lockedThreshold {
                writerLock.withLock { _ = connection.checkpointPassive() }
            }
        }
    }
}

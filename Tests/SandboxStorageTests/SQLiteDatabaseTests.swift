import Foundation
import Testing
@testable import SandboxStorage

@Suite struct SQLiteDatabaseTests {
    let migrations = [Migration(id: "1", sql: "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")]

    @Test func writeRollsBackOnError() throws {
        let db = try SQLiteDatabase(path: nil)
        try db.migrate(migrations)
        try db.write { try $0.execute("INSERT INTO t VALUES ('a', 1)") }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.write { db in
                try db.execute("INSERT INTO t VALUES ('b', 2)")
                throw Boom()
            }
        }
        let keys = try db.read { try $0.query("SELECT k FROM t ORDER BY k") { $0.text(0) } }
        #expect(keys == ["a"])
    }

    @Test func constraintViolationsAreRecognisable() throws {
        let db = try SQLiteDatabase(path: nil)
        try db.migrate(migrations)
        try db.write { try $0.execute("INSERT INTO t VALUES ('a', 1)") }
        #expect { try db.write { try $0.execute("INSERT INTO t VALUES ('a', 2)") } } throws: { ($0 as? SQLiteError)?.isConstraintViolation == true }
    }

    @Test func fileDatabasePersistsUsesWALAndAppliesMigrationsOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("db.sqlite").path
        do {
            let db = try SQLiteDatabase(path: path)
            try db.migrate(migrations)
            try db.write { try $0.execute("INSERT INTO t VALUES (?, ?)", [.text("k"), .integer(42)]) }
            #expect(try db.read { try $0.query("PRAGMA journal_mode") { $0.text(0) } } == ["wal"])
        }
        let reopened = try SQLiteDatabase(path: path)
        try reopened.migrate(migrations)
        #expect(try reopened.read { try $0.query("SELECT v FROM t WHERE k = 'k'") { $0.int(0) } } == [42])
    }

    @Test func deleteAllRowsKeepsSchemaAndKeptTables() throws {
        let db = try SQLiteDatabase(path: nil)
        try db.migrate(migrations + [Migration(id: "2", sql: "CREATE TABLE keep (x TEXT)")])
        try db.write { db in
            try db.execute("INSERT INTO t VALUES ('a', 1)")
            try db.execute("INSERT INTO keep VALUES ('x')")
        }
        try db.deleteAllRows(keeping: ["keep"])
        #expect(try db.read { try $0.query("SELECT count(*) FROM t") { $0.int(0) } } == [0])
        #expect(try db.read { try $0.query("SELECT count(*) FROM keep") { $0.int(0) } } == [1])
        #expect(try db.read { try $0.query("SELECT count(*) FROM _migrations") { $0.int(0) } } == [2])
    }

    @Test func manualClockMovesOnlyWhenTold() {
        let clock = ManualClock(Date(timeIntervalSince1970: 100))
        #expect(clock.now.timeIntervalSince1970 == 100)
        clock.advance(by: 5)
        #expect(clock.now.timeIntervalSince1970 == 105)
    }

    /// Commits never checkpoint: the checkpointer thread does, and the WAL stays bounded while
    /// writes keep coming; everything committed is there after reopening.
    @Test func walIsCheckpointedOffTheCommitPath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("db.sqlite").path
        let blob = [UInt8](repeating: 7, count: 3000)  // about one page a row
        do {
            let db = try SQLiteDatabase(path: path)
            try db.migrate([Migration(id: "1", sql: "CREATE TABLE b (k INTEGER PRIMARY KEY, v BLOB NOT NULL)")])
            var walPeak = 0
            for k in 0..<6000 {
                try db.write { try $0.execute("INSERT INTO b VALUES (?, ?)", [.integer(Int64(k)), .blob(blob)]) }
                if k % 500 == 0 {
                    let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int
                    walPeak = max(walPeak, size ?? 0)
                    Thread.sleep(forTimeInterval: 0.01)  // let the checkpointer run
                }
            }
            // About 16,000 pages written; without the checkpointer the WAL would reach 64 MB.
            #expect(walPeak < 30_000_000, "WAL reached \(walPeak) bytes")
            let dbSize = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            #expect(dbSize > 4_000_000, "checkpoints copied pages into the database file")
        }
        let reopened = try SQLiteDatabase(path: path)
        #expect(try reopened.read { try $0.query("SELECT count(*), sum(length(v)) FROM b") { [$0.int(0), $0.int(1)] } } == [[6000, 18_000_000]])
    }

    @Test func pointReadSeesCommittedWritesAndNeverWaitsForAWriter() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try SQLiteDatabase(path: dir.appendingPathComponent("db.sqlite").path)
        try db.migrate([Migration(id: "1", sql: "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")])
        let value = { try db.pointRead { try $0.query("SELECT v FROM kv WHERE k = 'a'") { $0.int(0) } }.first }
        try db.write { try $0.execute("INSERT INTO kv VALUES ('a', 1)") }
        #expect(try value() == 1)  // on the idle writer connection

        // A write holds the writer: the point read runs on a pooled reader, sees the last commit, and returns.
        let inWrite = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? db.write { db in
                try db.execute("UPDATE kv SET v = 2 WHERE k = 'a'")
                inWrite.signal()
                release.wait()
            }
            done.signal()
        }
        inWrite.wait()
        #expect(try value() == 1)
        release.signal()
        done.wait()
        #expect(try value() == 2)
    }
}

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
}

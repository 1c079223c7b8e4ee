import AWSCore
import Foundation
import SandboxStorage
import Testing
@testable import LogsService

/// Sandboxes before `logs.db` kept CloudWatch Logs in their main database; a start moves them.
@Suite struct LegacyLogsTests {
    @Test func logsMoveOutOfTheMainDatabaseOnceAndCompletely() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (account, region) = ("123456789012", "ap-northeast-1")
        let main = try SQLiteDatabase(path: dir.appendingPathComponent("sandbox.db").path)
        try main.migrate(LogsService.migrations)  // the old layout
        let old = LogsService(database: main, clock: SystemClock())
        try old.createGroup(name: "/aws/appsync/apis/a", tags: ["Stage": "stg"], retention: 7, account: account, region: region)
        try old.append(group: "/aws/appsync/apis/a", stream: "s", events: (0..<3).map { (1000 + Int64($0), "e\($0)") },
                       account: account, region: region)

        let logsDatabase = try SQLiteDatabase(path: dir.appendingPathComponent("logs.db").path)
        try logsDatabase.migrate(LogsService.migrations)
        try LogsService.moveLegacyLogs(from: main, to: logsDatabase)
        try LogsService.moveLegacyLogs(from: main, to: logsDatabase)  // nothing left to move: a no-op

        let logs = LogsService(database: logsDatabase, clock: SystemClock())
        let group = try logs.group("/aws/appsync/apis/a", account: account, region: region)
        #expect(group.retention == 7 && group.tags == ["Stage": "stg"])
        let messages = try logsDatabase.read { try $0.query("SELECT message FROM logs_events ORDER BY id") { $0.text(0) ?? "" } }
        #expect(messages == ["e0", "e1", "e2"])
        let left = try main.read { try $0.query("SELECT name FROM sqlite_master WHERE name LIKE 'logs_%'") { $0.text(0) ?? "" } }
        #expect(left == [])
    }
}

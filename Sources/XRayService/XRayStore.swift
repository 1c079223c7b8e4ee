import AWSCore
import Foundation
import SandboxStorage

/// One stored segment document.
struct Segment {
    var id: String
    var traceID: String
    var parentID: String?
    var name: String
    var start: Double
    var end: Double
    var doc: JSONObject
    var text: String

    init?(document doc: JSONObject) {
        guard let id = doc["id"]?.stringValue, let traceID = doc["trace_id"]?.stringValue, let name = doc["name"]?.stringValue,
              let start = doc["start_time"]?.doubleValue else { return nil }
        self.id = id
        self.traceID = traceID
        parentID = doc["parent_id"]?.stringValue
        self.name = name
        self.start = start
        end = doc["end_time"]?.doubleValue ?? start
        self.doc = doc
        text = JSONValue.object(doc).serializedString()
    }

    var origin: String? { doc["origin"]?.stringValue }
    var inferred: Bool { doc["inferred"]?.boolValue ?? false }
    func flag(_ name: String) -> Bool { doc[name]?.boolValue ?? false }

    /// Every subsegment, depth first.
    var subsegments: [JSONObject] {
        var out: [JSONObject] = []
        func walk(_ list: [JSONValue]?) {
            for case .object(let sub) in list ?? [] {
                out.append(sub)
                walk(sub["subsegments"]?.arrayValue)
            }
        }
        walk(doc["subsegments"]?.arrayValue)
        return out
    }

    /// The segments X-Ray infers for calls to AWS services (`namespace: aws` subsegments), so
    /// that DynamoDB appears in traces and in the service graph.
    var inferredSegments: [Segment] {
        subsegments.filter { $0["namespace"]?.stringValue == "aws" }.compactMap { sub in
            guard let subID = sub["id"]?.stringValue, let name = sub["name"]?.stringValue else { return nil }
            // A stable id of its own: each hex digit d of the subsegment's becomes 15 - d.
            let id = String(subID.map { c in c.hexDigitValue.map { Character(String(15 - $0, radix: 16)) } ?? c })
            var doc: JSONObject = ["id": .string(id), "name": .string(name), "trace_id": .string(traceID),
                                   "parent_id": .string(subID), "start_time": sub["start_time"] ?? .double(start),
                                   "end_time": sub["end_time"] ?? .double(end), "inferred": true,
                                   "origin": .string(name == "DynamoDB" ? "AWS::DynamoDB::Table" : "AWS::\(name)")]
            for key in ["aws", "http", "error", "fault", "throttle", "cause"] { doc.set(key, sub[key]) }
            return Segment(document: doc)
        }
    }
}

/// SQLite storage of segments, bounded by age (X-Ray keeps traces 30 days) and by count,
/// both enforced at most once a minute.
final class XRayStore: @unchecked Sendable {
    static let migrations = [
        Migration(id: "xray-0001", sql: """
            CREATE TABLE xray_segments (account TEXT NOT NULL, region TEXT NOT NULL, trace_id TEXT NOT NULL, id TEXT NOT NULL,
                start REAL NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (account, region, trace_id, id));
            CREATE INDEX xray_segments_by_start ON xray_segments (start);
            """),
    ]

    let database: SQLiteDatabase
    let retention: TimeInterval
    let maxSegments: Int
    private let lock = NSLock()
    private var prunedAt = Date.distantPast

    init(database: SQLiteDatabase, retention: TimeInterval, maxSegments: Int) {
        self.database = database
        self.retention = retention
        self.maxSegments = maxSegments
    }

    func insert(_ segments: [Segment], accountID: String, region: String, now: Date) throws {
        guard !segments.isEmpty else { return }
        let all = segments + segments.flatMap(\.inferredSegments)
        try database.write { db in
            for s in all {
                try db.execute("INSERT OR REPLACE INTO xray_segments (account, region, trace_id, id, start, doc) VALUES (?, ?, ?, ?, ?, ?)",
                               [.text(accountID), .text(region), .text(s.traceID), .text(s.id), .double(s.start), .text(s.text)])
            }
        }
        let due = lock.withLock {
            guard now.timeIntervalSince(prunedAt) >= 60 else { return false }
            prunedAt = now
            return true
        }
        guard due else { return }
        try database.write { db in
            try db.execute("DELETE FROM xray_segments WHERE start < ?", [.double(now.timeIntervalSince1970 - retention)])
            try db.execute("""
                DELETE FROM xray_segments WHERE rowid IN (SELECT rowid FROM xray_segments ORDER BY start DESC LIMIT -1 OFFSET ?)
                """, [.integer(Int64(maxSegments))])
        }
    }

    func segments(traceID: String, accountID: String, region: String) throws -> [Segment] {
        try database.read { db in
            try db.query("SELECT doc FROM xray_segments WHERE account = ? AND region = ? AND trace_id = ? ORDER BY start",
                         [.text(accountID), .text(region), .text(traceID)]) { row in
                (try? JSONParser.parse(row.text(0) ?? ""))?.objectValue.flatMap(Segment.init(document:))
            }
        }.compactMap { $0 }
    }

    /// The traces with a segment starting in [start, end], each with all its segments.
    func traces(startingIn start: Double, _ end: Double, accountID: String, region: String) throws -> [[Segment]] {
        let rows = try database.read { db in
            try db.query("""
                SELECT doc FROM xray_segments WHERE account = ? AND region = ? AND trace_id IN
                    (SELECT DISTINCT trace_id FROM xray_segments WHERE account = ? AND region = ? AND start >= ? AND start <= ?)
                ORDER BY start
                """, [.text(accountID), .text(region), .text(accountID), .text(region), .double(start), .double(end)]) { row in
                (try? JSONParser.parse(row.text(0) ?? ""))?.objectValue.flatMap(Segment.init(document:))
            }
        }.compactMap { $0 }
        var order: [String] = []
        var byTrace: [String: [Segment]] = [:]
        for s in rows {
            if byTrace[s.traceID] == nil { order.append(s.traceID) }
            byTrace[s.traceID, default: []].append(s)
        }
        return order.map { byTrace[$0]! }
    }
}

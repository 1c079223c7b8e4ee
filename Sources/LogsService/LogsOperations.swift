import AWSCore
import Foundation
import SandboxStorage

extension LogsService {
    static let retentionValues: Set<Int> = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]

    func groupShape(_ g: Group, _ context: AWSRequestContext) -> JSONValue {
        let arn = Self.groupARN(g.name, account: context.accountID, region: context.region)
        var o: JSONObject = ["logGroupName": .string(g.name), "creationTime": .int(g.created)]
        o.set("retentionInDays", g.retention.map { .int($0) })
        o["metricFilterCount"] = 0
        o["arn"] = .string(arn + ":*")
        o["storedBytes"] = 0
        o["logGroupClass"] = "STANDARD"
        o["logGroupArn"] = .string(arn)
        return .object(o)
    }

    @Sendable func createLogGroup(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        try createGroup(name: try input.requiredString("logGroupName"), tags: try input.object("tags") ?? [:], retention: nil,
                        account: context.accountID, region: context.region)
        return .null
    }

    @Sendable func deleteLogGroup(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        try deleteGroup(name: try input.requiredString("logGroupName"), account: context.accountID, region: context.region)
        return .null
    }

    @Sendable func describeLogGroups(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let all = try groups(account: context.accountID, region: context.region, prefix: try input.string("logGroupNamePrefix") ?? "")
        let limit = min(max(try input.int("limit") ?? 50, 1), 50)
        let start = Int(try input.string("nextToken") ?? "0") ?? 0
        let page = all.dropFirst(start).prefix(limit)
        var out: JSONObject = ["logGroups": .array(page.map { groupShape($0, context) })]
        if start + page.count < all.count { out["nextToken"] = .string(String(start + page.count)) }
        return .object(out)
    }

    @Sendable func putRetentionPolicy(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try input.requiredString("logGroupName")
        guard let days = try input.int("retentionInDays"), Self.retentionValues.contains(days) else {
            throw LogsError.invalidParameter("1 validation error detected: Value at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set")
        }
        _ = try group(name, account: context.accountID, region: context.region)
        try update(name, account: context.accountID, region: context.region, retention: .some(days), tags: nil)
        return .null
    }

    @Sendable func deleteRetentionPolicy(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try input.requiredString("logGroupName")
        _ = try group(name, account: context.accountID, region: context.region)
        try update(name, account: context.accountID, region: context.region, retention: .some(nil), tags: nil)
        return .null
    }

    @Sendable func createLogStream(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let groupName = try input.requiredString("logGroupName"), name = try input.requiredString("logStreamName")
        _ = try group(groupName, account: context.accountID, region: context.region)
        do {
            _ = try database.write { db in
                try db.execute("INSERT INTO logs_streams (account, region, grp, name, created) VALUES (?, ?, ?, ?, ?)",
                               [.text(context.accountID), .text(context.region), .text(groupName), .text(name), .integer(nowMs)])
            }
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw LogsError.streamAlreadyExists
        }
        return .null
    }

    @Sendable func describeLogStreams(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let groupName = try input.requiredString("logGroupName")
        _ = try group(groupName, account: context.accountID, region: context.region)
        let prefix = try input.string("logStreamNamePrefix") ?? ""
        var streams = try database.read { db in
            try db.query("""
                SELECT s.name, s.created, MIN(e.timestamp), MAX(e.timestamp), MAX(e.ingestion) FROM logs_streams s
                LEFT JOIN logs_events e ON e.account = s.account AND e.region = s.region AND e.grp = s.grp AND e.stream = s.name
                WHERE s.account = ? AND s.region = ? AND s.grp = ? AND substr(s.name, 1, ?) = ? GROUP BY s.name ORDER BY s.name
                """, [.text(context.accountID), .text(context.region), .text(groupName), .integer(Int64(prefix.utf8.count)), .text(prefix)]) { row -> JSONObject in
                var o: JSONObject = ["logStreamName": .string(row.text(0) ?? ""), "creationTime": .int(row.int(1))]
                if !row.isNull(2) {
                    o["firstEventTimestamp"] = .int(row.int(2))
                    o["lastEventTimestamp"] = .int(row.int(3))
                    o["lastIngestionTime"] = .int(row.int(4))
                }
                o["arn"] = .string(Self.groupARN(groupName, account: context.accountID, region: context.region) + ":log-stream:" + (row.text(0) ?? ""))
                o["storedBytes"] = 0
                return o
            }
        }
        if try input.string("orderBy") == "LastEventTime" {
            streams.sort { ($0["lastEventTimestamp"]?.intValue ?? 0) < ($1["lastEventTimestamp"]?.intValue ?? 0) }
        }
        if try input.bool("descending") == true { streams.reverse() }
        return ["logStreams": .array(streams.prefix(try input.int("limit") ?? 50).map { .object($0) })]
    }

    @Sendable func putLogEvents(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let groupName = try input.requiredString("logGroupName"), stream = try input.requiredString("logStreamName")
        _ = try group(groupName, account: context.accountID, region: context.region)
        let exists = try database.read { db in
            try db.query("SELECT 1 FROM logs_streams WHERE account = ? AND region = ? AND grp = ? AND name = ?",
                         [.text(context.accountID), .text(context.region), .text(groupName), .text(stream)]) { _ in true }
        }
        guard !exists.isEmpty else { throw LogsError.streamNotFound }
        let events = try (input.array("logEvents") ?? []).map { event -> (timestamp: Int64, message: String) in
            guard let ts = event["timestamp"]?.intValue, let message = event["message"]?.stringValue else {
                throw LogsError.invalidParameter("Each log event must have a timestamp and a message")
            }
            return (Int64(ts), message)
        }
        guard !events.isEmpty else {
            throw LogsError.invalidParameter("1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1")
        }
        try append(group: groupName, stream: stream, events: events, account: context.accountID, region: context.region)
        return ["nextSequenceToken": .string(String(nowMs))]
    }

    struct Event {
        var id: Int64, stream: String, timestamp: Int64, ingestion: Int64, message: String
    }

    /// A position in a group's events, which are read in (timestamp, id) order. Tokens carry it
    /// as `<timestamp>-<id>`, so events appended later with earlier timestamps are not skipped
    /// by a paging client (`aws logs tail` restarts from the last timestamp and de-duplicates).
    struct Cursor {
        var timestamp: Int64
        var id: Int64

        init(timestamp: Int64, id: Int64) {
            self.timestamp = timestamp
            self.id = id
        }

        init?(token: String) {
            let parts = token.split(separator: "-")
            guard parts.count == 2, let t = Int64(parts[0]), let i = Int64(parts[1]) else { return nil }
            self.init(timestamp: t, id: i)
        }

        var token: String { "\(timestamp)-\(id)" }
    }

    static let scanLimit = 10_000

    /// Up to `scanLimit` events after `cursor`, in (timestamp, id) order.
    func events(_ context: AWSRequestContext, group: String, streams: [String]? = nil, start: Int64?, end: Int64?,
                after cursor: Cursor?) throws -> [Event] {
        var sql = "SELECT id, stream, timestamp, ingestion, message FROM logs_events WHERE account = ? AND region = ? AND grp = ?"
        var bindings: [SQLValue] = [.text(context.accountID), .text(context.region), .text(group)]
        if let streams {
            guard !streams.isEmpty else { return [] }
            sql += " AND stream IN (" + Array(repeating: "?", count: streams.count).joined(separator: ", ") + ")"
            bindings += streams.map(SQLValue.text)
        }
        if let cursor {
            sql += " AND (timestamp > ? OR (timestamp = ? AND id > ?))"
            bindings += [.integer(cursor.timestamp), .integer(cursor.timestamp), .integer(cursor.id)]
        }
        if let start { sql += " AND timestamp >= ?"; bindings.append(.integer(start)) }
        if let end { sql += " AND timestamp < ?"; bindings.append(.integer(end)) }
        sql += " ORDER BY timestamp, id LIMIT \(Self.scanLimit)"
        return try database.read { db in
            try db.query(sql, bindings) { row in
                Event(id: row.int(0), stream: row.text(1) ?? "", timestamp: row.int(2), ingestion: row.int(3), message: row.text(4) ?? "")
            }
        }
    }

    @Sendable func getLogEvents(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let groupName = try input.requiredString("logGroupName"), stream = try input.requiredString("logStreamName")
        _ = try group(groupName, account: context.accountID, region: context.region)
        let token = try input.string("nextToken")
        let cursor = token.flatMap { Cursor(token: String($0.dropFirst(2))) }
        let all = try events(context, group: groupName, streams: [stream], start: try input.int("startTime").map(Int64.init),
                             end: try input.int("endTime").map(Int64.init), after: cursor)
        let page = all.prefix(min(try input.int("limit") ?? 10000, 10000))
        let last = page.last.map { Cursor(timestamp: $0.timestamp, id: $0.id) } ?? cursor ?? Cursor(timestamp: 0, id: 0)
        return [
            "events": .array(page.map { ["timestamp": .int($0.timestamp), "message": .string($0.message), "ingestionTime": .int($0.ingestion)] }),
            "nextForwardToken": .string("f/\(last.token)"), "nextBackwardToken": .string("b/\((cursor ?? Cursor(timestamp: 0, id: 0)).token)"),
        ]
    }

    /// FilterLogEvents: events of all (or the named) streams interleaved in time order, matching
    /// the pattern. A reply carries `nextToken` while more events may follow in the time range.
    @Sendable func filterLogEvents(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let groupName = try input.requiredString("logGroupName")
        _ = try group(groupName, account: context.accountID, region: context.region)
        let pattern = try FilterPattern(try input.string("filterPattern") ?? "")
        var cursor: Cursor?
        if let token = try input.string("nextToken") {
            guard let parsed = Cursor(token: token) else { throw LogsError.invalidParameter("The specified nextToken is invalid.") }
            cursor = parsed
        }
        let streamNames = try input.array("logStreamNames")?.compactMap(\.stringValue)
        let streamPrefix = try input.string("logStreamNamePrefix")
        let scanned = try events(context, group: groupName, streams: streamNames, start: try input.int("startTime").map(Int64.init),
                                 end: try input.int("endTime").map(Int64.init), after: cursor)
        let limit = min(max(try input.int("limit") ?? 10000, 1), 10000)
        var page: [Event] = []
        var resumeAt: Cursor?
        for event in scanned {
            guard streamPrefix.map({ event.stream.hasPrefix($0) }) ?? true, pattern.matches(event.message) else { continue }
            if page.count == limit { resumeAt = Cursor(timestamp: page[page.count - 1].timestamp, id: page[page.count - 1].id); break }
            page.append(event)
        }
        // A scan that stopped at its limit has not seen the whole range: resume after its last event.
        if resumeAt == nil, scanned.count == Self.scanLimit, let last = scanned.last {
            resumeAt = Cursor(timestamp: last.timestamp, id: last.id)
        }
        var out: JSONObject = [
            "events": .array(page.map { e in
                ["logStreamName": .string(e.stream), "timestamp": .int(e.timestamp), "message": .string(e.message),
                 "ingestionTime": .int(e.ingestion), "eventId": .string(Self.eventID(e))]
            }),
            "searchedLogStreams": .array(Set(page.map(\.stream)).sorted().map { ["logStreamName": .string($0), "searchedCompletely": .bool(resumeAt == nil)] }),
        ]
        if let resumeAt { out["nextToken"] = .string(resumeAt.token) }
        return .object(out)
    }

    /// Event ids are digit strings (CloudWatch's are 56 digits); ours are the timestamp and the row id, zero-padded.
    static func eventID(_ e: Event) -> String {
        let ts = String(e.timestamp), id = String(e.id)
        return String(repeating: "0", count: max(0, 20 - ts.count)) + ts + String(repeating: "0", count: max(0, 20 - id.count)) + id
    }

    @Sendable func tagResource(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try Self.groupName(fromARN: try input.requiredString("resourceArn"))
        let tags = try input.object("tags") ?? [:]
        try changeTags(name, account: context.accountID, region: context.region) { current in for (k, v) in tags { current[k] = v } }
        return .null
    }

    @Sendable func untagResource(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try Self.groupName(fromARN: try input.requiredString("resourceArn"))
        let keys = try input.array("tagKeys")?.compactMap(\.stringValue) ?? []
        try changeTags(name, account: context.accountID, region: context.region) { current in for k in keys { current[k] = nil } }
        return .null
    }

    /// Read-modify-write of a group's tags (TagResource, UntagResource and the tagging API).
    func changeTags(_ name: String, account: String, region: String, _ change: (inout JSONObject) -> Void) throws {
        var tags = try group(name, account: account, region: region).tags
        change(&tags)
        try update(name, account: account, region: region, retention: nil, tags: tags)
    }

    @Sendable func listTagsForResource(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try Self.groupName(fromARN: try input.requiredString("resourceArn"))
        return ["tags": .object(try group(name, account: context.accountID, region: context.region).tags)]
    }

    @Sendable func listTagsLogGroup(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        ["tags": .object(try group(try input.requiredString("logGroupName"), account: context.accountID, region: context.region).tags)]
    }

    static func groupName(fromARN arn: String) throws -> String {
        guard let parsed = ARN(arn), parsed.resource.hasPrefix("log-group:") else {
            throw LogsError.invalidParameter("Invalid resource ARN: \(arn)")
        }
        var name = String(parsed.resource.dropFirst("log-group:".count))
        if name.hasSuffix(":*") { name.removeLast(2) }
        return name
    }
}

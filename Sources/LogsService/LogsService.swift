public import AWSCore
import Foundation
public import SandboxStorage

/// Amazon CloudWatch Logs (awsJson 1.1, `X-Amz-Target: Logs_20140328.<Op>`): log groups and
/// streams, putting and reading events, and filtering them (`aws logs tail` pages FilterLogEvents).
public final class LogsService: AWSService {
    public let signingName = "logs"
    public let bindings: [ProtocolBinding] = [.json(version: "1.1", targetPrefix: "Logs_20140328", errorNamespace: nil)]

    public static let migrations = [
        Migration(id: "logs-0001", sql: """
            CREATE TABLE logs_groups (account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL,
                retention INTEGER, tags TEXT NOT NULL DEFAULT '{}', PRIMARY KEY (account, region, name)) WITHOUT ROWID;
            CREATE TABLE logs_streams (account TEXT NOT NULL, region TEXT NOT NULL, grp TEXT NOT NULL, name TEXT NOT NULL,
                created INTEGER NOT NULL, PRIMARY KEY (account, region, grp, name)) WITHOUT ROWID;
            CREATE TABLE logs_events (id INTEGER PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, grp TEXT NOT NULL,
                stream TEXT NOT NULL, timestamp INTEGER NOT NULL, ingestion INTEGER NOT NULL, message TEXT NOT NULL);
            CREATE INDEX logs_events_by_group ON logs_events (account, region, grp, timestamp, id);
            """),
    ]

    /// Moves the groups, streams and events that sandboxes before `logs.db` kept in their main
    /// database into `logs` (migrated), then drops them there. Copying and marking it done are one
    /// transaction, so a restart after a crash in between only finishes the drop.
    public static func moveLegacyLogs(from main: SQLiteDatabase, to logs: SQLiteDatabase) throws {
        guard let mainPath = main.path, logs.path != nil else { return }
        let tables = ["logs_groups", "logs_streams", "logs_events"]
        let legacy = try main.read { db in
            try db.query("SELECT name FROM sqlite_master WHERE type = 'table'") { $0.text(0) ?? "" }.filter(tables.contains)
        }
        guard !legacy.isEmpty else { return }
        let marker = "logs-moved-from-sandbox-db"
        try logs.withAttached(mainPath, as: "legacy") { db in
            guard try db.query("SELECT 1 FROM main._migrations WHERE id = ?", [.text(marker)]) { _ in true }.isEmpty else { return }
            for table in tables where legacy.contains(table) {
                try db.execute("INSERT OR IGNORE INTO main.\(table) SELECT * FROM legacy.\(table)")
            }
            try db.execute("INSERT INTO main._migrations (id, applied_at) VALUES (?, ?)", [.text(marker), .double(Date().timeIntervalSince1970)])
        }
        try main.write { db in
            for table in legacy { try db.execute("DROP TABLE \(table)") }
        }
    }

    let database: SQLiteDatabase
    let clock: any SandboxClock
    /// Where ingested bytes are reported (Cost Explorer).
    let meter: any UsageMeter

    public init(database: SQLiteDatabase, clock: any SandboxClock, meter: any UsageMeter = DiscardingUsageMeter()) {
        self.database = database
        self.clock = clock
        self.meter = meter
    }

    public var operations: [AWSOperation] {
        [
            AWSOperation("CreateLogGroup", handler: createLogGroup),
            AWSOperation("DeleteLogGroup", handler: deleteLogGroup),
            AWSOperation("DescribeLogGroups", handler: describeLogGroups),
            AWSOperation("PutRetentionPolicy", handler: putRetentionPolicy),
            AWSOperation("DeleteRetentionPolicy", handler: deleteRetentionPolicy),
            AWSOperation("CreateLogStream", handler: createLogStream),
            AWSOperation("DescribeLogStreams", handler: describeLogStreams),
            AWSOperation("PutLogEvents", handler: putLogEvents),
            AWSOperation("GetLogEvents", handler: getLogEvents),
            AWSOperation("FilterLogEvents", handler: filterLogEvents),
            AWSOperation("TagResource", handler: tagResource),
            AWSOperation("UntagResource", handler: untagResource),
            AWSOperation("ListTagsForResource", handler: listTagsForResource),
            AWSOperation("ListTagsLogGroup", handler: listTagsLogGroup),
        ]
    }

    var nowMs: Int64 { Int64(clock.now.timeIntervalSince1970 * 1000) }

    static func groupARN(_ name: String, account: String, region: String) -> String {
        ARN(service: "logs", region: region, accountID: account, resource: "log-group:\(name)").description
    }

    // MARK: Swift API (also the AWS::Logs::LogGroup provider's)

    struct Group {
        var name: String
        var created: Int64
        var retention: Int?
        var tags: JSONObject
    }

    func groups(account: String, region: String, prefix: String = "") throws -> [Group] {
        try database.read { db in
            try db.query("SELECT name, created, retention, tags FROM logs_groups WHERE account = ? AND region = ? AND substr(name, 1, ?) = ? ORDER BY name",
                         [.text(account), .text(region), .integer(Int64(prefix.utf8.count)), .text(prefix)]) { row in
                Group(name: row.text(0) ?? "", created: row.int(1), retention: row.isNull(2) ? nil : Int(row.int(2)),
                      tags: (try? JSONParser.parse(row.text(3) ?? "{}"))?.objectValue ?? [:])
            }
        }
    }

    func group(_ name: String, account: String, region: String) throws -> Group {
        guard let group = try groups(account: account, region: region, prefix: name).first(where: { $0.name == name }) else {
            throw LogsError.groupNotFound
        }
        return group
    }

    public func createGroup(name: String, tags: JSONObject, retention: Int?, account: String, region: String) throws {
        try Self.validateGroupName(name)
        do {
            _ = try database.write { db in
                try db.execute("INSERT INTO logs_groups (account, region, name, created, retention, tags) VALUES (?, ?, ?, ?, ?, ?)",
                               [.text(account), .text(region), .text(name), .integer(nowMs), retention.map { .integer(Int64($0)) } ?? .null,
                                .text(JSONValue.object(tags).serializedString())])
            }
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw LogsError.groupAlreadyExists
        }
    }

    /// Creates the group unless it exists (services that log create their groups on first use).
    public func ensureGroup(name: String, account: String, region: String) throws {
        _ = try database.write { db in
            try db.execute("INSERT OR IGNORE INTO logs_groups (account, region, name, created, retention, tags) VALUES (?, ?, ?, ?, NULL, '{}')",
                           [.text(account), .text(region), .text(name), .integer(nowMs)])
        }
    }

    public func deleteGroup(name: String, account: String, region: String) throws {
        try database.write { db in
            let deleted = try db.execute("DELETE FROM logs_groups WHERE account = ? AND region = ? AND name = ?", [.text(account), .text(region), .text(name)])
            guard deleted > 0 else { throw LogsError.groupNotFound }
            try db.execute("DELETE FROM logs_streams WHERE account = ? AND region = ? AND grp = ?", [.text(account), .text(region), .text(name)])
            try db.execute("DELETE FROM logs_events WHERE account = ? AND region = ? AND grp = ?", [.text(account), .text(region), .text(name)])
        }
    }

    func update(_ name: String, account: String, region: String, retention: Int??, tags: JSONObject?) throws {
        try database.write { db in
            if let retention {
                try db.execute("UPDATE logs_groups SET retention = ? WHERE account = ? AND region = ? AND name = ?",
                               [retention.map { .integer(Int64($0)) } ?? .null, .text(account), .text(region), .text(name)])
            }
            if let tags {
                try db.execute("UPDATE logs_groups SET tags = ? WHERE account = ? AND region = ? AND name = ?",
                               [.text(JSONValue.object(tags).serializedString()), .text(account), .text(region), .text(name)])
            }
        }
    }

    /// Appends events to a stream, creating the stream if needed (for services that log, like AppSync).
    public func append(group: String, stream: String, events: [(timestamp: Int64, message: String)], account: String, region: String) throws {
        let ingestion = nowMs
        try database.write { db in
            try db.execute("INSERT OR IGNORE INTO logs_streams (account, region, grp, name, created) VALUES (?, ?, ?, ?, ?)",
                           [.text(account), .text(region), .text(group), .text(stream), .integer(ingestion)])
        }
        // In transactions of at most `appendChunk` events: a large batch (AppSync's logs under load)
        // then never holds the database's one writer, and the requests waiting for it, for long.
        for start in stride(from: 0, to: events.count, by: Self.appendChunk) {
            try database.write { db in
                for event in events[start..<min(start + Self.appendChunk, events.count)] {
                    try db.execute("INSERT INTO logs_events (account, region, grp, stream, timestamp, ingestion, message) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   [.text(account), .text(region), .text(group), .text(stream), .integer(event.timestamp), .integer(ingestion), .text(event.message)])
                }
            }
        }
        meterIngestion(events, group: group, account: account, region: region)
    }

    static let appendChunk = 128

    /// CloudWatch Logs bills ingestion per GB: each event's UTF-8 message plus 26 bytes of overhead.
    func meterIngestion(_ events: [(timestamp: Int64, message: String)], group: String, account: String, region: String) {
        let bytes = events.reduce(0) { $0 + $1.message.utf8.count + 26 }
        meter.record(UsageRecord(time: clock.now.timeIntervalSince1970, accountID: account, region: region, service: "AmazonCloudWatch",
                                 usageType: "DataProcessing-Bytes", operation: "PutLogEvents",
                                 resourceARN: Self.groupARN(group, account: account, region: region), quantity: Double(bytes) / 1_073_741_824))
    }

    static func validateGroupName(_ name: String) throws {
        let allowed = name.count >= 1 && name.count <= 512
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "_-/.#".unicodeScalars.contains($0) }
        guard allowed else {
            throw LogsError.invalidParameter("1 validation error detected: Value '\(name)' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")
        }
    }
}

/// CloudWatch Logs' errors (awsJson 1.1: `__type` is the bare code).
public enum LogsError: AWSError, Equatable {
    case groupNotFound
    case streamNotFound
    case groupAlreadyExists
    case streamAlreadyExists
    case invalidParameter(String)

    public var code: String {
        switch self {
        case .groupNotFound, .streamNotFound: "ResourceNotFoundException"
        case .groupAlreadyExists, .streamAlreadyExists: "ResourceAlreadyExistsException"
        case .invalidParameter: "InvalidParameterException"
        }
    }

    public var message: String {
        switch self {
        case .groupNotFound: "The specified log group does not exist."
        case .streamNotFound: "The specified log stream does not exist."
        case .groupAlreadyExists: "The specified log group already exists"
        case .streamAlreadyExists: "The specified log stream already exists"
        case .invalidParameter(let m): m
        }
    }

    public var httpStatus: Int { 400 }
}

public import AWSCore
public import SandboxStorage
import Foundation

/// Amazon DynamoDB on SQLite: the awsJson 1.0 API (`X-Amz-Target: DynamoDB_20120810.<Op>`).
///
/// Layout: `Model/` (AttributeValue, DynamoNumber, table definitions), `Expressions/` (one
/// tokenizer; parse → resolve placeholders → evaluate; never touches storage), `Storage/` (the
/// only SQL; a compact binary item codec), `Operations/` (one file per operation).
///
/// Table definitions live in `ddb_tables` and are cached in memory; items live in `ddb_items`
/// keyed by order-preserving key bytes (S and B byte-wise, N numerically), so Query is an index
/// range scan; secondary index entries live in `ddb_index_items`, maintained on every write.
/// Every write is one SQLite transaction under the database's single lock, which also gives
/// transactions their isolation. Operations can be called in-process with ``call(_:_:context:)``;
/// expired TTL items are deleted by ``sweepExpiredItems()`` (or ``runTTLSweeper(every:)``).
public final class DynamoDBService: AWSService, @unchecked Sendable {
    public static let migrations: [Migration] = ItemStore.migrations

    let database: SQLiteDatabase
    let clock: any SandboxClock
    /// Where billable request units and storage are reported (Cost Explorer).
    let meter: any UsageMeter
    /// Whether anything listens to the meter (request units are then worked out even when not returned).
    let metersUsage: Bool
    private let lock = NSLock()
    private var tables: [String: TableMeta] = [:]
    /// TransactWriteItems idempotency: token → (request fingerprint, time, reply).
    private var transactionTokens: [String: (fingerprint: String, time: Date, reply: JSONValue)] = [:]
    private var tokensPrunedAt = Date.distantPast

    public let signingName = "dynamodb"
    public let bindings: [ProtocolBinding] = [
        .json(version: "1.0", targetPrefix: "DynamoDB_20120810", errorNamespace: "com.amazonaws.dynamodb.v20120810#"),
    ]

    /// Opens the service over `database`, applying its migrations and loading table definitions.
    public init(database: SQLiteDatabase, clock: any SandboxClock = SystemClock(), meter: any UsageMeter = DiscardingUsageMeter()) throws {
        self.database = database
        self.clock = clock
        self.meter = meter
        metersUsage = !(meter is DiscardingUsageMeter)
        try database.migrate(Self.migrations)
        let metas = try database.read { db in
            try db.query("SELECT meta FROM ddb_tables") { row in row.text(0) ?? "" }
        }
        for text in metas {
            if let json = try? JSONParser.parse(text), let meta = TableMeta(persisted: json) {
                tables[meta.name] = meta
            }
        }
    }

    public var operations: [AWSOperation] {
        Self.operationTable.map { name, body in
            AWSOperation(name) { [self] input, context in try await body(self)(input, context) }
        }
    }

    typealias Body = @Sendable (DynamoDBService) -> @Sendable (OperationInput, AWSRequestContext) async throws -> JSONValue

    static let operationTable: [(String, Body)] = [
        ("CreateTable", { s in s.createTable }),
        ("DescribeTable", { s in s.describeTable }),
        ("ListTables", { s in s.listTables }),
        ("DeleteTable", { s in s.deleteTable }),
        ("UpdateTable", { s in s.updateTable }),
        ("DescribeEndpoints", { s in s.describeEndpoints }),
        ("DescribeLimits", { s in s.describeLimits }),
        ("DescribeContinuousBackups", { s in s.describeContinuousBackups }),
        ("UpdateContinuousBackups", { s in s.updateContinuousBackups }),
        ("DescribeKinesisStreamingDestination", { s in s.describeKinesisStreamingDestination }),
        ("DescribeContributorInsights", { s in s.describeContributorInsights }),
        ("ListBackups", { s in s.listBackups }),
        ("UpdateTimeToLive", { s in s.updateTimeToLive }),
        ("DescribeTimeToLive", { s in s.describeTimeToLive }),
        ("TagResource", { s in s.tagResource }),
        ("UntagResource", { s in s.untagResource }),
        ("ListTagsOfResource", { s in s.listTagsOfResource }),
        ("PutItem", { s in s.putItem }),
        ("GetItem", { s in s.getItem }),
        ("DeleteItem", { s in s.deleteItem }),
        ("UpdateItem", { s in s.updateItem }),
        ("Query", { s in s.query }),
        ("Scan", { s in s.scan }),
        ("BatchGetItem", { s in s.batchGetItem }),
        ("BatchWriteItem", { s in s.batchWriteItem }),
        ("TransactWriteItems", { s in s.transactWriteItems }),
        ("TransactGetItems", { s in s.transactGetItems }),
    ]

    /// Runs an operation in-process, as if it had arrived over HTTP (for other sandbox modules).
    public func call(_ operation: String, _ input: JSONObject, context: AWSRequestContext) async throws -> JSONValue {
        guard let body = Self.operationTable.first(where: { $0.0 == operation })?.1 else {
            throw CommonError.unknownOperation(service: "DynamoDB", operation: operation)
        }
        // A traced caller (an AppSync resolver) gets one X-Ray subsegment per call.
        guard let trace = TraceRecorder.current else { return try await body(self)(OperationInput(members: input), context) }
        var aws: JSONObject = ["operation": .string(operation), "region": .string(context.region), "request_id": .string(context.requestID)]
        aws.set("table_name", input["TableName"] ?? input["RequestItems"]?.objectValue?.keys.first.map(JSONValue.string))
        return try await trace.measure("DynamoDB", namespace: "aws", aws: aws) {
            try await body(self)(OperationInput(members: input), context)
        }
    }

    /// In-process call with a synthetic request context.
    public func call(_ operation: String, _ input: JSONObject, region: String = "us-east-1",
                     accountID: String = "000000000000") async throws -> JSONValue {
        let context = AWSRequestContext(requestID: RequestID.make(), accountID: accountID, region: region, accessKeyID: nil,
                                        request: AWSRequest(method: "POST", target: "/"))
        return try await call(operation, input, context: context)
    }

    // MARK: Table cache

    func cachedTable(_ name: String) -> TableMeta? { lock.withLock { tables[name] } }
    func allTableNames() -> [String] { lock.withLock { Array(tables.keys) } }
    func cache(_ meta: TableMeta) { lock.withLock { tables[meta.name] = meta } }
    func uncache(_ name: String) { _ = lock.withLock { tables.removeValue(forKey: name) } }
    func tableByStorageID(_ id: Int64) -> TableMeta? { lock.withLock { tables.values.first { $0.storageID == id } } }

    func lockedTokens<T>(_ body: (inout [String: (fingerprint: String, time: Date, reply: JSONValue)]) -> T) -> T {
        lock.withLock {
            // Forget expired tokens now and then, not on every call.
            let now = clock.now
            if now.timeIntervalSince(tokensPrunedAt) > 60 {
                transactionTokens = transactionTokens.filter { now.timeIntervalSince($0.value.time) < Self.idempotencyWindow }
                tokensPrunedAt = now
            }
            return body(&transactionTokens)
        }
    }

    /// The table's definition as of now: called inside a write transaction, so a concurrent
    /// UpdateTable/DeleteTable (which change the cache under the same lock) is seen.
    func current(_ meta: TableMeta) throws -> TableMeta {
        guard let fresh = cachedTable(meta.name), fresh.storageID == meta.storageID else { throw DynamoDBError.resourceNotFoundPlain }
        return fresh
    }

    /// Read-modify-write of a table definition inside one write transaction.
    @discardableResult
    func mutateTable(_ name: String, _ body: (inout TableMeta, SQLiteConnection) throws -> Void) throws -> TableMeta {
        try database.write { db in
            guard var meta = cachedTable(name) else { throw DynamoDBError.tableNotFound(name) }
            try body(&meta, db)
            try persist(db, meta)
            cache(meta)
            return meta
        }
    }

    func persist(_ db: SQLiteConnection, _ meta: TableMeta) throws {
        try db.execute("INSERT OR REPLACE INTO ddb_tables (name, id, meta) VALUES (?, ?, ?)",
                       [.text(meta.name), .integer(meta.storageID), .text(meta.persisted.serializedString())])
    }

    /// The table an item operation names (ResourceNotFoundException if missing).
    func table(forItemOperation input: OperationInput, member: String = "TableName") throws -> TableMeta {
        let name = try Self.validateTableName(try input.string(member), member: member)
        guard let meta = cachedTable(name) else { throw DynamoDBError.resourceNotFoundPlain }
        return meta
    }

    /// Checks a table name (or table ARN) as AWS does, returning the bare name.
    static func validateTableName(_ value: String?, member: String = "TableName") throws(DynamoDBError) -> String {
        let memberName = member.prefix(1).lowercased() + member.dropFirst()
        guard var name = value else {
            throw DynamoDBError.constraint(nil, at: memberName, "Member must not be null")
        }
        if name.hasPrefix("arn:"), let range = name.range(of: ":table/") {
            name = String(name[range.upperBound...])
        }
        if name.count < 3 {
            throw DynamoDBError.constraint(name, at: memberName, "Member must have length greater than or equal to 3")
        }
        if name.count > 255 {
            throw DynamoDBError.constraint(name, at: memberName, "Member must have length less than or equal to 255")
        }
        if !name.utf8.allSatisfy({ Tokenizer.isIdentPart($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) {
            throw DynamoDBError.constraint(name, at: memberName, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
        }
        return name
    }

    // MARK: TTL sweeper

    /// Sweeps expired items every `period` until the task is cancelled (errors are skipped:
    /// the next round retries). A convenience for callers without their own scheduler.
    public func runTTLSweeper(every period: Duration) async {
        while !Task.isCancelled {
            _ = try? sweepExpiredItems()
            try? await Task.sleep(for: period)
        }
    }

    /// Deletes items whose TTL attribute (a Number of epoch seconds) is in the past, as DynamoDB's
    /// background process does. Returns how many were deleted. Call periodically.
    @discardableResult
    public func sweepExpiredItems() throws -> Int {
        let now = Int64(clock.now.timeIntervalSince1970.rounded(.down))
        var total = 0
        while true {
            let deleted = try database.write { db -> Int in
                let expired = try ItemStore.expired(db, now: now, limit: 500)
                for row in expired {
                    guard let table = tableByStorageID(row.tid) else { continue }
                    try ItemStore.delete(db, table, row.key, old: row.item)
                }
                return expired.count
            }
            total += deleted
            if deleted < 500 { return total }
        }
    }
}

extension DynamoDBService {
    static let idempotencyWindow: TimeInterval = 600

    func recentTransaction(_ token: String) -> (fingerprint: String, reply: JSONValue)? {
        lockedTokens { tokens in
            let now = clock.now
            guard let entry = tokens[token], now.timeIntervalSince(entry.time) < Self.idempotencyWindow else { return nil }
            return (entry.fingerprint, entry.reply)
        }
    }

    func rememberTransaction(_ token: String, fingerprint: String, reply: JSONValue) {
        lockedTokens { tokens in tokens[token] = (fingerprint, clock.now, reply) }
    }
}

import AppSyncService
import AWSCore
import DynamoDBService
import Foundation

/// One Mesh v2 field call: its arguments, the stage's settings and clock, and the table.
struct MeshContext {
    let request: ResolverRequest
    let dynamodb: DynamoDBService
    let now: Date
    /// Errors of Lambda-backed fields are `Lambda:Unhandled`.
    let lambda: Bool
    let table: String
    let awsContext: AWSRequestContext

    init(request: ResolverRequest, dynamodb: DynamoDBService, now: Date, lambda: Bool) {
        self.request = request
        self.dynamodb = dynamodb
        self.now = now
        self.lambda = lambda
        let env = request.api.environmentVariables
        table = env["TABLE_NAME"]?.stringValue
            ?? request.api.dataSources.values.first { $0.type == "AMAZON_DYNAMODB" }?.dynamoDBTableName ?? "MeshV2Table-stg"
        let api = request.api
        awsContext = AWSRequestContext(requestID: RequestID.make(), accountID: api.accountID.isEmpty ? "123456789012" : api.accountID,
                                       region: api.region.isEmpty ? "ap-northeast-1" : api.region, accessKeyID: nil,
                                       request: AWSRequest(method: "POST", target: "/"))
    }

    // MARK: Time, as AppSync `util.time` and Ruby render it

    var nowMs: Int64 { Int64((now.timeIntervalSince1970 * 1000).rounded(.down)) }
    var nowSec: Int64 { nowMs / 1000 }
    /// `util.time.nowISO8601()`: UTC, milliseconds, `Z`.
    var nowISO: String { Self.iso(ms: nowMs) }

    static func iso(ms: Int64) -> String { Timestamp.iso8601(Date(timeIntervalSince1970: Double(ms) / 1000)) }

    /// Ruby `Time.now.iso8601` on a UTC host: whole seconds, `+00:00`.
    var rubyNow: String {
        Date(timeIntervalSince1970: Double(nowSec)).formatted(Date.ISO8601FormatStyle(timeZone: .gmt)).replacingOccurrences(of: "Z", with: "+00:00")
    }

    /// Epoch milliseconds of an ISO 8601 timestamp (`util.time.parseISO8601ToEpochMilliSeconds`).
    static func epochMs(_ iso: String) -> Int64? {
        if let ms = Timestamp.utcMilliseconds(iso) { return ms }  // the form Mesh v2 stores, without Foundation's parser
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let plain = Date.ISO8601FormatStyle()
        guard let date = (try? withFraction.parse(iso)) ?? (try? plain.parse(iso)) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    // MARK: Settings (AppSync environment variables; an empty value falls back to the default)

    func setting(_ key: String, default value: Int) -> Int {
        guard let text = request.api.environmentVariables[key]?.stringValue, !text.isEmpty, let number = Int(text) else { return value }
        return number
    }

    var hostInterval: Int { setting("MESH_HOST_HEARTBEAT_INTERVAL_SECONDS", default: 60) }
    var hostTTL: Int { setting("MESH_HOST_HEARTBEAT_TTL_SECONDS", default: 150) }
    var memberInterval: Int { setting("MESH_MEMBER_HEARTBEAT_INTERVAL_SECONDS", default: 120) }
    var memberTTL: Int { setting("MESH_MEMBER_HEARTBEAT_TTL_SECONDS", default: 600) }
    var maxConnection: Int { setting("MESH_MAX_CONNECTION_TIME_SECONDS", default: 1500) }
    var eventTTL: Int { setting("MESH_EVENT_TTL_SECONDS", default: 10) }
    var pollingInterval: Int { setting("MESH_POLLING_INTERVAL_SECONDS", default: 2) }

    // MARK: Arguments

    func argument(_ name: String) -> String { request.arguments[name]?.stringValue ?? "" }
    var groupId: String { argument("groupId") }
    var domain: String { argument("domain") }
    var nodeId: String { argument("nodeId") }
    var hostId: String { argument("hostId") }

    // MARK: DynamoDB

    func call(_ operation: String, _ input: JSONObject) async throws -> JSONValue {
        var input = input
        if input["TableName"] == nil, !["TransactWriteItems", "BatchWriteItem"].contains(operation) { input["TableName"] = .string(table) }
        return try await dynamodb.call(operation, input, context: awsContext)
    }

    func getItem(pk: String, sk: String) async throws -> Item? {
        let reply = try await call("GetItem", ["Key": Item.key(pk, sk)])
        return reply["Item"]?.objectValue.map(Item.init)
    }

    /// The first page of a Query (upstream's resolvers never paginate).
    func query(_ input: JSONObject) async throws -> [Item] {
        try await call("Query", input)["Items"]?.arrayValue?.compactMap { $0.objectValue.map(Item.init) } ?? []
    }
}

/// A DynamoDB item (attribute-value JSON), with plain-JSON readers.
struct Item {
    let attributes: JSONObject

    init(_ attributes: JSONObject) { self.attributes = attributes }

    static func key(_ pk: String, _ sk: String) -> JSONValue { ["pk": ["S": .string(pk)], "sk": ["S": .string(sk)]] }

    /// The attribute as plain JSON (`{"S": "x"}` → `"x"`), or nil when absent.
    subscript(name: String) -> JSONValue? { attributes[name].map(Self.plain) }

    func string(_ name: String) -> String? { attributes[name]?["S"]?.stringValue }
    func int(_ name: String) -> Int64? { attributes[name]?["N"]?.stringValue.flatMap { Int64($0) } }
    func bool(_ name: String) -> Bool? { attributes[name]?["BOOL"]?.boolValue }

    static func plain(_ value: JSONValue) -> JSONValue {
        guard case .object(let o) = value, let (type, inner) = o.first(where: { _ in true }) else { return .null }
        switch type {
        case "S": return inner
        case "N": return .number(inner.stringValue ?? inner.numberText ?? "0")
        case "BOOL": return inner
        case "NULL": return .null
        case "L": return .array((inner.arrayValue ?? []).map(plain))
        case "M": return .object(JSONObject((inner.objectValue ?? JSONObject()).map { ($0.key, plain($0.value)) }))
        case "SS": return inner
        default: return inner
        }
    }

    /// Plain JSON as an attribute value (`util.dynamodb.toDynamoDB`).
    static func attribute(_ value: JSONValue) -> JSONValue {
        switch value {
        case .null: ["NULL": true]
        case .bool(let b): ["BOOL": .bool(b)]
        case .number(let n): ["N": .string(n)]
        case .string(let s): ["S": .string(s)]
        case .timestamp(let d): ["S": .string(Timestamp.iso8601(d))]
        case .array(let items): ["L": .array(items.map(attribute))]
        case .object(let o): ["M": .object(JSONObject(o.map { ($0.key, attribute($0.value)) }))]
        }
    }

    static func attributes(_ plain: JSONObject) -> JSONValue { .object(JSONObject(plain.map { ($0.key, attribute($0.value)) })) }
}

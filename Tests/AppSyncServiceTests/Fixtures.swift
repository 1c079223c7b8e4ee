import AWSCore
import Foundation
import SandboxStorage
@testable import AppSyncService

/// The Mesh v2 schema's shape (mesh-v2-behavior.md §1), trimmed to what the tests exercise.
let meshSDL = """
type Query {
  listGroupsByDomain(domain: String!): [Group!]!
  getNodeStatus(nodeId: ID!): NodeStatus
  hello: String
  unimplemented: String
}
type Mutation {
  createGroup(name: String!, hostId: ID!, domain: String!, maxConnectionTimeSeconds: Int, useWebSocket: Boolean!): Group!
  reportDataByNode(groupId: ID!, domain: String!, nodeId: ID!, data: [SensorDataInput!]!): MeshMessage
  dissolveGroup(groupId: ID!, domain: String!, hostId: ID!): MeshMessage
  echo(text: String, when: AWSDateTime, meta: AWSJSON): Echo
}
type Subscription {
  onMessageInGroup(groupId: ID!, domain: String!): MeshMessage
    @aws_subscribe(mutations: ["reportDataByNode", "dissolveGroup"])
}
input SensorDataInput { key: String!, value: String! }
type SensorData { key: String! value: String! }
type Group {
  id: ID!
  domain: String!
  fullId: String!
  name: String!
  hostId: ID!
  expiresAt: AWSDateTime!
  heartbeatIntervalSeconds: Int
  useWebSocket: Boolean!
  pollingIntervalSeconds: Int
}
type MeshMessage {
  groupId: ID!
  domain: String!
  nodeStatus: NodeStatus
  groupDissolve: GroupDissolvePayload
}
type NodeStatus { nodeId: ID! groupId: ID! domain: String! data: [SensorData!]! timestamp: AWSDateTime! }
type GroupDissolvePayload { groupId: ID! domain: String! message: String! }
type Echo { text: String when: AWSDateTime meta: AWSJSON }
"""

/// A provider whose implementations are closures keyed by `Type.field`.
struct ClosureProvider: AppSyncResolverProvider {
    let implementations: [String: @Sendable (ResolverRequest) async throws -> JSONValue]

    func implementation(for resolver: ResolverRecord, api: AppSyncAPIInfo) -> (any FieldResolverImplementation)? {
        implementations["\(resolver.typeName).\(resolver.fieldName)"].map(Closure.init)
    }

    struct Closure: FieldResolverImplementation {
        let body: @Sendable (ResolverRequest) async throws -> JSONValue
        func resolve(_ request: ResolverRequest) async throws -> JSONValue { try await body(request) }
    }
}

/// The Mesh-like resolvers used across tests.
let meshProvider = ClosureProvider(implementations: [
    "Query.hello": { _ in "world" },
    "Query.listGroupsByDomain": { request in
        guard request.arguments["domain"] != "nowhere" else { throw AppSyncResolverError(type: "ValidationError", message: "Bad domain") }
        return [["id": "g1", "domain": request.arguments["domain"] ?? .null, "fullId": "g1@d", "name": "G", "hostId": "h1",
                 "expiresAt": "2026-01-11T09:55:15.123Z", "useWebSocket": true]]
    },
    "Query.getNodeStatus": { _ in throw AppSyncResolverError(type: "NodeNotFound", message: "Node not found: n1") },
    "Mutation.createGroup": { request in
        if request.arguments["name"] == "broken" { return ["id": "g1"] }  // misses non-null fields
        if request.arguments["name"] == "fail" { throw AppSyncResolverError(type: "GroupNotFound", message: "Group not found: x") }
        return ["id": .string("g-" + (request.arguments["name"]?.stringValue ?? "")), "domain": request.arguments["domain"] ?? .null,
                "fullId": "full", "name": request.arguments["name"] ?? .null, "hostId": request.arguments["hostId"] ?? .null,
                "expiresAt": "2026-01-11T09:55:15.123Z", "heartbeatIntervalSeconds": 60, "useWebSocket": request.arguments["useWebSocket"] ?? .null,
                "sourceIp": .string(request.sourceIP ?? "none")]
    },
    "Mutation.reportDataByNode": { request in
        if request.arguments["nodeId"] == "ghost" { throw AppSyncResolverError(type: "GroupNotFound", message: "Group not found") }
        return ["groupId": request.arguments["groupId"] ?? .null, "domain": request.arguments["domain"] ?? .null,
                "nodeStatus": ["nodeId": request.arguments["nodeId"] ?? .null, "groupId": request.arguments["groupId"] ?? .null,
                               "domain": request.arguments["domain"] ?? .null, "data": request.arguments["data"] ?? [],
                               "timestamp": "2026-01-11T09:55:15.123Z"],
                "groupDissolve": .null]
    },
    "Mutation.dissolveGroup": { request in
        ["groupId": request.arguments["groupId"] ?? .null, "domain": request.arguments["domain"] ?? .null,
         "groupDissolve": ["groupId": request.arguments["groupId"] ?? .null, "domain": request.arguments["domain"] ?? .null,
                           "message": "Group dissolved"]]
    },
])

struct Fixture {
    let backend: AppSyncBackend
    let clock: ManualClock
    let apiId: String
    let key: String
    let scope = AppSyncScope(accountID: "123456789012", region: "ap-northeast-1")

    static func make(path: String? = nil) throws -> Fixture {
        let clock = ManualClock()
        let backend = try AppSyncBackend(database: SQLiteDatabase(path: path), clock: clock)
        backend.register(meshProvider)
        let scope = AppSyncScope(accountID: "123456789012", region: "ap-northeast-1")
        let api = try backend.createGraphqlApi(["name": "MeshV2Api", "authenticationType": "API_KEY"], scope: scope)
        let apiId = api["apiId"]!.stringValue!
        try backend.startSchemaCreation(apiId: apiId, definition: meshSDL)
        _ = try backend.createDataSource(apiId: apiId, ["name": "Native", "type": "AWS_LAMBDA",
                                                        "lambdaConfig": ["lambdaFunctionArn": "arn:aws:lambda:ap-northeast-1:123456789012:function:f"]])
        _ = try backend.createDataSource(apiId: apiId, ["name": "Local", "type": "NONE"])
        for (type, field) in [("Query", "hello"), ("Query", "listGroupsByDomain"), ("Query", "getNodeStatus"), ("Query", "unimplemented"),
                              ("Mutation", "createGroup"), ("Mutation", "reportDataByNode"), ("Mutation", "dissolveGroup")] {
            _ = try backend.createResolver(apiId: apiId, typeName: type, ["fieldName": .string(field), "dataSourceName": "Native"])
        }
        _ = try backend.createResolver(apiId: apiId, typeName: "Mutation", ["fieldName": "echo", "dataSourceName": "Local"])
        let key = try backend.createApiKey(apiId: apiId)["id"]!.stringValue!
        return Fixture(backend: backend, clock: clock, apiId: apiId, key: key)
    }

    /// POSTs a GraphQL request to the data-plane endpoint, no socket involved.
    func post(_ query: String, variables: JSONObject? = nil, key: String?? = .none, path: String? = nil,
              headers: [(String, String)] = []) async -> (status: Int, body: JSONValue, headers: HTTPHeaders) {
        var body: JSONObject = ["query": .string(query)]
        if let variables { body["variables"] = .object(variables) }
        var h = HTTPHeaders([("Content-Type", "application/json")] + headers)
        switch key {
        case .none: h.add("x-api-key", self.key)
        case .some(.some(let k)): h.add("x-api-key", k)
        case .some(.none): break
        }
        let request = AWSRequest(method: "POST", target: path ?? "/apis/\(apiId)/graphql", headers: h,
                                 body: JSONValue.object(body).serialized(), remoteAddress: "10.0.0.9")
        let response = await GraphQLHTTPEndpoint(backend: backend).respond(to: request)!
        return (response.status, (try? JSONParser.parse(response.body)) ?? .null, response.headers)
    }
}

func json(_ text: String) -> JSONValue { try! JSONParser.parse(text) }

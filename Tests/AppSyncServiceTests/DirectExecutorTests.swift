import AWSCore
import Foundation
import SandboxStorage
import Testing
@testable import AppSyncService

/// The direct executor against GraphQLSwift's `execute` on the same runtime: every response must
/// be the same, byte for byte (member order included), and the resolvers must see the same requests.
@Suite struct DirectExecutorTests {
    static let sdl = """
        type Query {
          item(id: ID!, tag: String = "t", kind: Kind = A, n: Int, f: Float, ts: AWSTimestamp, j: AWSJSON, input: In, list: [In!], ids: [ID], when: AWSDateTime): Item
          items: [Item]
          strict: [Item!]!
          nonNullItem: Item!
          numbers: [Int]
          floats: [Float]
          hello: String
          boom: String
          missing: String
          kinds: [Kind]
        }
        type Mutation { m1(x: String!): Item  m2(x: String!): Item!  m3: String }
        enum Kind { A B }
        input In { a: String!, b: Int = 3, c: [String], k: Kind, nested: In }
        type Item {
          id: ID! name: String kind: Kind score: Float count: Int ok: Boolean meta: AWSJSON when: AWSDateTime ts: AWSTimestamp
          children: [Item!] tags: [String] args: AWSJSON src: AWSJSON strictName: String!
        }
        """

    /// Everything a resolver was given, as JSON.
    static func describe(_ r: ResolverRequest) -> JSONValue {
        ["type": .string(r.typeName), "field": .string(r.fieldName), "arguments": .object(r.arguments), "source": r.source,
         "selection": .array(r.selectionSetList.map(JSONValue.string)), "variables": .object(r.variables),
         "headers": .object(JSONObject(r.headers.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })),
         "ip": r.sourceIP.map(JSONValue.string) ?? .null, "key": r.apiKey.map(JSONValue.string) ?? .null]
    }

    static let provider = ClosureProvider(implementations: [
        "Query.item": { r in
            ["id": r.arguments["id"] ?? .null, "name": "n", "kind": r.arguments["kind"] ?? .null, "score": .number("2.0"), "count": 7, "ok": true,
             "meta": ["x": [1, "two"]], "when": "2026-01-11T09:55:15.123Z", "ts": 12, "args": describe(r), "tags": ["a", .null, "b"],
             "children": [["id": "c1", "strictName": "first"], ["id": "c2", "name": "second"]], "strictName": "s"]
        },
        "Query.items": { _ in [["id": "1", "name": "one"], .null, ["name": "no id"], ["id": 4]] },
        "Query.strict": { _ in [["id": "1"], .null] },
        "Query.nonNullItem": { _ in [:] },
        "Query.numbers": { _ in [1, "2", 3, .null] },
        "Query.floats": { _ in [1, .number("2.5"), .number("1e20")] },
        "Query.hello": { _ in 5 },
        "Query.boom": { _ in throw CocoaError(.fileNoSuchFile) },
        "Query.kinds": { _ in ["A", "C"] },
        "Item.src": { r in describe(r) },
        "Mutation.m1": { r in ["id": r.arguments["x"] ?? .null] },
        "Mutation.m2": { r in
            if r.arguments["x"] == "fail" { throw AppSyncResolverError(type: "Nope", message: "failed", data: ["d": 1], errorInfo: ["i": 2]) }
            return ["id": r.arguments["x"] ?? .null]
        },
        "Mutation.m3": { _ in "three" },
    ])

    static func runtime() throws -> AppSyncRuntime {
        let backend = try AppSyncBackend(database: SQLiteDatabase(path: nil), clock: ManualClock())
        backend.register(provider)
        let api = try backend.createGraphqlApi(["name": "Direct", "authenticationType": "API_KEY"],
                                               scope: AppSyncScope(accountID: "123456789012", region: "ap-northeast-1"))
        let apiId = api["apiId"]!.stringValue!
        try backend.startSchemaCreation(apiId: apiId, definition: sdl)
        _ = try backend.createDataSource(apiId: apiId, ["name": "Native", "type": "AWS_LAMBDA",
                                                        "lambdaConfig": ["lambdaFunctionArn": "arn:aws:lambda:ap-northeast-1:123456789012:function:f"]])
        for (type, field) in [("Query", "item"), ("Query", "items"), ("Query", "strict"), ("Query", "nonNullItem"), ("Query", "numbers"),
                              ("Query", "floats"), ("Query", "hello"), ("Query", "boom"), ("Query", "kinds"), ("Item", "src"),
                              ("Mutation", "m1"), ("Mutation", "m2"), ("Mutation", "m3")] {
            _ = try backend.createResolver(apiId: apiId, typeName: type, ["fieldName": .string(field), "dataSourceName": "Native"])
        }
        return try #require(try backend.runtime(apiId: apiId))
    }

    static let caller = CallerInfo(headers: ["x-api-key": "k", "host": "h"], sourceIP: "10.1.2.3", apiKey: "k")

    /// (query, variables, operation name, whether the direct executor must take it)
    static let cases: [(String, JSONObject, String?, Bool)] = [
        (#"{ item(id: "1") { id name kind score count ok meta when ts tags args __typename } }"#, [:], nil, true),
        (#"{ item(id: 12, tag: "x", kind: B, n: 4, f: 1.50, ts: "77", j: "{\"a\":1}", input: {a: "x", c: "one", k: B, nested: {a: "y"}}, list: {a: "z"}, ids: 3, when: "2026-01-11T09:55:15Z") { args } }"#,
         [:], nil, true),
        ("query Q($id: ID!, $n: Int, $f: Float, $in: In, $list: [In!], $ids: [ID], $ts: AWSTimestamp, $j: AWSJSON, $k: Kind) { item(id: $id, n: $n, f: $f, input: $in, list: $list, ids: $ids, ts: $ts, j: $j, kind: $k) { args } }",
         ["id": 5, "n": 7, "f": .number("1.5"), "in": ["a": "x", "k": "B", "nested": ["a": "y", "c": ["p", .null]]], "list": ["a": "z"], "ids": "single",
          "ts": "123", "j": ["a": [1, true]], "k": "A", "unused": "u"], "Q", true),
        ("query($n: Int) { item(id: 1, n: $n) { args } }", [:], nil, true),
        ("query($n: Int) { item(id: 1, n: $n) { args } }", ["n": .null], nil, true),
        ("query($n: Int) { item(id: 1, n: $n) { args } }", ["n": "x"], nil, false),
        ("query($n: Int) { item(id: 1, n: $n) { args } }", ["n": 3_000_000_000], nil, false),
        ("query($in: In) { item(id: 1, input: $in) { args } }", ["in": ["b": 1]], nil, false),
        ("query($in: In) { item(id: 1, input: $in) { args } }", ["in": ["a": "x", "zzz": 1]], nil, false),
        ("query($w: AWSDateTime) { item(id: 1, when: $w) { args } }", ["w": "yesterday"], nil, false),
        ("query($k: Kind) { item(id: 1, kind: $k) { args } }", ["k": "C"], nil, false),
        ("query($t: String = \"d\") { item(id: 1, tag: $t) { args } }", [:], nil, false),
        ("query($t: String = \"d\") { item(id: 1, tag: $t) { args } }", ["t": "given"], nil, true),
        ("{ a: item(id: 1) { ...F ... on Item { name } } b: item(id: 2) { id } } fragment F on Item { id kind ...G } fragment G on Item { ok }", [:], nil, true),
        ("{ item(id: 1) { ...F ... on Item { ...F } } } fragment F on Item { id children { id } }", [:], nil, true),
        ("query($s: Boolean!) { item(id: 1) { id @skip(if: $s) name @include(if: $s) ... @include(if: false) { kind } } }", ["s": true], nil, true),
        ("query($s: Boolean!) { item(id: 1) { id @skip(if: $s) name @include(if: $s) ... @include(if: false) { kind } } }", ["s": false], nil, true),
        ("{ __typename item(id: 1) { __typename t: __typename } }", [:], nil, true),
        ("{ items { id name } }", [:], nil, true),
        ("{ strict { id } hello }", [:], nil, true),
        ("{ nonNullItem { id } hello }", [:], nil, true),
        ("{ hello nonNullItem { id } }", [:], nil, true),
        ("{ numbers floats kinds }", [:], nil, true),
        ("{ hello boom missing }", [:], nil, true),
        ("{ boom boom }", [:], nil, true),
        ("{ x: boom y: boom }", [:], nil, true),
        ("{ item(id: 1) { src children { id src strictName } } }", [:], nil, true),
        ("{ item(id: 1) { strictName children { strictName } } }", [:], nil, true),
        (#"mutation { a: m1(x: "1") { id } b: m2(x: "fail") { id } c: m3 }"#, [:], nil, true),
        (#"mutation { a: m1(x: "1") { id } b: m2(x: "ok") { id __typename } c: m3 }"#, [:], nil, true),
        ("query A { hello } query B { m: hello }", [:], nil, false),
        ("query A { hello } query B { m: hello }", [:], "B", true),
        ("query A { hello }", [:], "C", false),
        ("{ __typename __schema { queryType { name } } }", [:], nil, false),
    ]

    @Test func nullListItemsStayNull() async throws {
        let runtime = try Self.runtime()
        let outcome = await runtime.execute(query: #"{ item(id: "1") { id tags } }"#, variables: [:], operationName: nil, caller: Self.caller)
        #expect(outcome.response == ["data": ["item": ["id": "1", "tags": ["a", .null, "b"]]]])
    }

    @Test func sameResponsesAsGraphQLSwift() async throws {
        let runtime = try Self.runtime()
        for (query, variables, operationName, direct) in Self.cases {
            let parsed = try runtime.parsedDocument(for: query).get()
            let library = await runtime.executeWithLibrary(parsed.document, variables: variables, operationName: operationName, caller: Self.caller)
            let outcome = await runtime.execute(query: query, variables: variables, operationName: operationName, caller: Self.caller)
            if Self.normalized(library.response).contains("GraphQL.MapError") {
                // GraphQLSwift fails a whole response whose lists hold a null item; AppSync (and the
                // direct executor) keeps the item null and the rest of the data.
                #expect(outcome.response["data"]?.isNull == false, "\(query)")
                #expect(!Self.normalized(outcome.response).contains("MapError"), "\(query)")
            } else {
                #expect(Self.normalized(outcome.response) == Self.normalized(library.response), "\(query)")
            }
            let taken = await runtime.executeDirectly(parsed, variables: variables, operationName: operationName, caller: Self.caller) != nil
            #expect(taken == direct, "\(query)")
        }
    }

    /// The response's text, errors sorted: GraphQLSwift resolves sibling fields concurrently, so
    /// the order of their errors varies from run to run.
    static func normalized(_ response: JSONValue) -> String {
        guard case .object(var o) = response, let errors = o["errors"]?.arrayValue, errors.count > 1 else { return response.serializedString() }
        o["errors"] = .array(errors.sorted { $0.serializedString() < $1.serializedString() })
        return JSONValue.object(o).serializedString()
    }

    /// The Mesh-shaped fixture: AppSync's error shapes, null propagation, AWS scalars, the NONE data source.
    @Test func sameResponsesOnTheMeshFixture() async throws {
        let f = try Fixture.make()
        try f.backend.deleteResolver(apiId: f.apiId, typeName: "Query", fieldName: "hello")
        let runtime = try #require(try f.backend.runtime(apiId: f.apiId))
        let cases: [(String, JSONObject)] = [
            (#"mutation { createGroup(name: "broken", hostId: "h", domain: "d", useWebSocket: true) { id name } }"#, [:]),
            (#"mutation { createGroup(name: "fail", hostId: "h", domain: "d", useWebSocket: true) { id } }"#, [:]),
            (#"mutation C($n: String!) { createGroup(name: $n, hostId: "h", domain: "d", useWebSocket: false) { id fullId expiresAt heartbeatIntervalSeconds } }"#, ["n": "a"]),
            (#"query { listGroupsByDomain(domain: "nowhere") { id } }"#, [:]),
            (#"query { listGroupsByDomain(domain: "d") { id domain expiresAt useWebSocket pollingIntervalSeconds } }"#, [:]),
            (#"{ getNodeStatus(nodeId: "n1") { nodeId } hello unimplemented }"#, [:]),
            (#"mutation { echo(text: "hi", when: "2026-01-11T09:55:15.123Z", meta: "{\"a\":1}") { text when meta } }"#, [:]),
            ("mutation($w: AWSDateTime, $m: AWSJSON) { echo(when: $w, meta: $m) { when meta } }", ["w": "2026-01-11T09:55:15Z", "m": ["a": [1, 2]]]),
            ("mutation($w: AWSDateTime) { echo(when: $w) { when } }", ["w": "yesterday"]),
            ("mutation R($g: ID!, $d: [SensorDataInput!]!) { reportDataByNode(groupId: $g, domain: \"d\", nodeId: \"ghost\", data: $d) { groupId } }",
             ["g": "g1", "d": ["key": "k", "value": "v"]]),
            ("mutation R($g: ID!, $d: [SensorDataInput!]!) { a: reportDataByNode(groupId: $g, domain: \"d\", nodeId: \"n\", data: $d) { nodeStatus { data { key value } timestamp } } b: dissolveGroup(groupId: $g, domain: \"d\", hostId: \"h\") { groupDissolve { message } } }",
             ["g": "g1", "d": [["key": "k", "value": "v"]]]),
        ]
        for (query, variables) in cases {
            let parsed = try runtime.parsedDocument(for: query).get()
            let library = await runtime.executeWithLibrary(parsed.document, variables: variables, operationName: nil, caller: Self.caller)
            let outcome = await runtime.execute(query: query, variables: variables, operationName: nil, caller: Self.caller)
            #expect(Self.normalized(outcome.response) == Self.normalized(library.response), "\(query)")
        }
    }

    @Test func publicationsAreComputedFromTheDirectResult() async throws {
        let f = try Fixture.make()
        let runtime = try #require(try f.backend.runtime(apiId: f.apiId))
        let mutation = """
            mutation R($g: ID!, $n: ID!) { r: reportDataByNode(groupId: $g, domain: "d", nodeId: $n, data: [{key: "t", value: "21"}]) {
              groupId d: domain nodeStatus { nodeId data { key v: value } } } }
            """
        let outcome = await runtime.execute(query: mutation, variables: ["g": "g1", "n": "n1"], operationName: nil, caller: CallerInfo())
        #expect(outcome.publications.count == 1)
        #expect(JSONValue.object(outcome.publications[0].value)
            == json(#"{"groupId":"g1","domain":"d","nodeStatus":{"nodeId":"n1","data":[{"key":"t","value":"21"}]}}"#))
    }
}

import AWSCore
import SandboxStorage
import Testing
@testable import AppSyncService

/// `POST …/graphql` through ``GraphQLHTTPEndpoint``: auth, CORS, execution, AppSync error shapes
/// (mesh-v2-behavior.md §7.1).
@Suite struct DataPlaneTests {
    static let unauthorized = json(#"{"errors":[{"errorType":"UnauthorizedException","message":"You are not authorized to make this call."}]}"#)

    @Test func queryWithAResolver() async throws {
        let f = try Fixture.make()
        let r = await f.post("{ hello }")
        #expect(r.status == 200)
        #expect(r.body == json(#"{"data":{"hello":"world"}}"#))
        #expect(r.headers["Access-Control-Allow-Origin"] == "*")
    }

    @Test func missingUnknownExpiredAndDeletedKeysAre401() async throws {
        let f = try Fixture.make()
        let missing = await f.post("{ hello }", key: .some(nil))
        #expect(missing.status == 401)
        #expect(missing.body == Self.unauthorized)
        let unknown = await f.post("{ hello }", key: "da2-notakeynotakeynotakeynota")
        #expect(unknown.status == 401)
        #expect(unknown.body == Self.unauthorized)

        let other = try f.backend.createApiKey(apiId: f.apiId)["id"]!.stringValue!
        try f.backend.deleteApiKey(apiId: f.apiId, id: other)
        #expect(await f.post("{ hello }", key: .some(other)).status == 401)

        f.clock.advance(by: 8 * 86_400)
        let expired = await f.post("{ hello }")
        #expect(expired.status == 401)
        #expect(expired.body == Self.unauthorized)
    }

    @Test func unknownAPIIs401() async throws {
        let f = try Fixture.make()
        let r = await f.post("{ hello }", path: "/apis/doesnotexist/graphql")
        #expect(r.status == 401)
    }

    @Test func bareGraphQLPathRoutesByKey() async throws {
        let f = try Fixture.make()
        let r = await f.post("{ hello }", path: "/graphql")
        #expect(r.body == json(#"{"data":{"hello":"world"}}"#))
    }

    @Test func customDomainHostRoutes() async throws {
        let f = try Fixture.make()
        _ = try f.backend.createDomainName(["domainName": "api.example.test", "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x"],
                                           scope: f.scope)
        _ = try f.backend.associateApi(domainName: "api.example.test", apiId: f.apiId)
        let other = try f.backend.createGraphqlApi(["name": "Other", "authenticationType": "API_KEY"], scope: f.scope)["apiId"]!.stringValue!
        let otherKey = try f.backend.createApiKey(apiId: other)["id"]!.stringValue!
        // The Host names the API, so a key of another API is refused.
        let r = await f.post("{ hello }", key: .some(otherKey), path: "/graphql", headers: [("Host", "api.example.test")])
        #expect(r.status == 401)
        let ok = await f.post("{ hello }", path: "/graphql", headers: [("Host", "api.example.test:443")])
        #expect(ok.body == json(#"{"data":{"hello":"world"}}"#))
    }

    @Test func preflightAnswersCORS() async throws {
        let f = try Fixture.make()
        let request = AWSRequest(method: "OPTIONS", target: "/apis/\(f.apiId)/graphql",
                                 headers: HTTPHeaders([("Origin", "https://smalruby.app"), ("Access-Control-Request-Method", "POST")]))
        let response = try #require(await GraphQLHTTPEndpoint(backend: f.backend).respond(to: request))
        #expect(response.status == 200)
        #expect(response.headers["Access-Control-Allow-Origin"] == "*")
        let allowed = response.headers["Access-Control-Allow-Headers"] ?? ""
        for header in ["content-type", "x-api-key", "x-amz-date", "x-amz-user-agent", "authorization"] { #expect(allowed.contains(header)) }
    }

    @Test func fieldUndefinedIsWordedAsGraphQLJava() async throws {
        let f = try Fixture.make()
        let query = "mutation { createGroup(name: \"a\", hostId: \"h\", domain: \"d\", useWebSocket: true) { id createdAt } }"
        let r = await f.post(query)
        #expect(r.status == 200)
        #expect(r.body["data"] == .null)
        let error = try #require(r.body["errors"]?.arrayValue?.first)
        #expect(error["message"] == "Validation error of type FieldUndefined: Field 'createdAt' in type 'Group' is undefined @ 'createGroup/createdAt'")
        #expect(error["path"] == .null)
        #expect(error["locations"] == json(#"[{"line":1,"column":86,"sourceName":null}]"#))
    }

    @Test func missingArgumentIsWordedAsGraphQLJava() async throws {
        let f = try Fixture.make()
        let r = await f.post("mutation { createGroup(name: \"a\", hostId: \"h\", domain: \"d\") { id } }")
        #expect(r.body["data"] == .null)
        #expect(r.body["errors"]?.arrayValue?.first?["message"] == "Validation error of type MissingFieldArgument: Missing field argument useWebSocket @ 'createGroup'")
    }

    @Test func resolverErrorHasAppSyncShapeAndNullsNonNullRoot() async throws {
        let f = try Fixture.make()
        let r = await f.post("query { listGroupsByDomain(domain: \"nowhere\") { id } }")
        // listGroupsByDomain is non-null: the whole data becomes null (§7.1).
        #expect(r.body == json(#"""
            {"data":null,"errors":[{"path":["listGroupsByDomain"],"data":null,"errorType":"ValidationError","errorInfo":null,
              "locations":[{"line":1,"column":9,"sourceName":null}],"message":"Bad domain"}]}
            """#))
    }

    @Test func resolverErrorOnNullableFieldKeepsData() async throws {
        let f = try Fixture.make()
        let r = await f.post("{ getNodeStatus(nodeId: \"n1\") { nodeId } hello }")
        #expect(r.body["data"] == json(#"{"getNodeStatus":null,"hello":"world"}"#))
        let error = try #require(r.body["errors"]?.arrayValue?.first)
        #expect(error["errorType"] == "NodeNotFound")
        #expect(error["message"] == "Node not found: n1")
        #expect(error["path"] == ["getNodeStatus"])
    }

    @Test func nullInNonNullFieldPropagatesWithGraphQLJavaWording() async throws {
        let f = try Fixture.make()
        let r = await f.post("mutation { createGroup(name: \"broken\", hostId: \"h\", domain: \"d\", useWebSocket: true) { id name } }")
        #expect(r.body["data"] == .null)
        let error = try #require(r.body["errors"]?.arrayValue?.first)
        #expect(error["message"] == "Cannot return null for non-nullable type: 'String' within parent 'Group' (/createGroup/name)")
        #expect(error["path"] == ["createGroup", "name"])
    }

    @Test func rootFieldWithoutResolverIsNull() async throws {
        let f = try Fixture.make()
        try f.backend.deleteResolver(apiId: f.apiId, typeName: "Query", fieldName: "hello")
        let r = await f.post("{ hello }")
        #expect(r.body == json(#"{"data":{"hello":null}}"#))
    }

    @Test func resolverWithoutImplementationSaysSo() async throws {
        let f = try Fixture.make()
        let r = await f.post("{ unimplemented }")
        #expect(r.body["data"] == json(#"{"unimplemented":null}"#))
        let error = try #require(r.body["errors"]?.arrayValue?.first)
        #expect(error["errorType"] == "NotImplemented")
        #expect(error["message"]?.stringValue?.contains("Query.unimplemented") == true)
    }

    @Test func variablesAliasesAndFragments() async throws {
        let f = try Fixture.make()
        let query = """
            mutation Create($name: String!, $ws: Boolean!) {
              g: createGroup(name: $name, hostId: "h", domain: "d", useWebSocket: $ws) { ...F ws: useWebSocket __typename }
            }
            fragment F on Group { id name }
            """
        let r = await f.post(query, variables: ["name": "alpha", "ws": false])
        #expect(r.body == json(#"{"data":{"g":{"id":"g-alpha","name":"alpha","ws":false,"__typename":"Group"}}}"#))
    }

    @Test func resolversSeeCallerIPFromForwardedFor() async throws {
        let probe = ClosureProvider(implementations: ["Query.hello": { request in .string(request.sourceIP ?? "none") }])
        let f = try Fixture.make()
        f.backend.register(probe)
        #expect(await f.post("{ hello }").body == json(#"{"data":{"hello":"10.0.0.9"}}"#))
        let forwarded = await f.post("{ hello }", headers: [("X-Forwarded-For", "203.0.113.7, 10.0.0.1")])
        #expect(forwarded.body == json(#"{"data":{"hello":"203.0.113.7"}}"#))
    }

    @Test func noneDataSourceReturnsArgumentsAndScalarsAreChecked() async throws {
        let f = try Fixture.make()
        let ok = await f.post(#"mutation { echo(text: "hi", when: "2026-01-11T09:55:15.123Z", meta: "{\"a\":1}") { text when meta } }"#)
        #expect(ok.body == json(#"{"data":{"echo":{"text":"hi","when":"2026-01-11T09:55:15.123Z","meta":"{\"a\":1}"}}}"#))
        let bad = await f.post(#"mutation { echo(when: "2026-01-11 09:55") { text } }"#)
        #expect(bad.body["data"] == .null)
        #expect(bad.body["errors"]?.arrayValue?.first?["message"]?.stringValue?.contains("AWSDateTime") == true)
        let badVariable = await f.post("mutation($w: AWSDateTime) { echo(when: $w) { when } }", variables: ["w": "yesterday"])
        #expect(badVariable.body["data"] == .null)
        #expect(badVariable.body["errors"]?.arrayValue?.isEmpty == false)
    }

    @Test func failedSchemaLeavesThePreviousOneInService() async throws {
        let f = try Fixture.make()
        try f.backend.startSchemaCreation(apiId: f.apiId, definition: "type Query { broken: Nope }")
        #expect(try f.backend.schemaCreationStatus(apiId: f.apiId)["status"] == "FAILED")
        #expect(await f.post("{ hello }").body == json(#"{"data":{"hello":"world"}}"#))
    }

    @Test func malformedBodyIs400() async throws {
        let f = try Fixture.make()
        let request = AWSRequest(method: "POST", target: "/apis/\(f.apiId)/graphql", headers: HTTPHeaders([("x-api-key", f.key)]), body: Array("nope".utf8))
        let response = try #require(await GraphQLHTTPEndpoint(backend: f.backend).respond(to: request))
        #expect(response.status == 400)
    }

    @Test func otherPathsAreNotClaimed() async throws {
        let f = try Fixture.make()
        let request = AWSRequest(method: "POST", target: "/", headers: HTTPHeaders([("x-api-key", f.key)]))
        #expect(await GraphQLHTTPEndpoint(backend: f.backend).respond(to: request) == nil)
    }
}

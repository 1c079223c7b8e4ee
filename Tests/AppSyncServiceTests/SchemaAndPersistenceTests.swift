import AWSCore
import Foundation
import GraphQL
import SandboxStorage
import Testing
@testable import AppSyncService

@Suite struct SchemaTests {
    @Test func awsScalarsAndDirectivesNeedNoDeclarations() throws {
        let compiled = try AppSyncSchemaBuilder.build(sdl: meshSDL)
        for name in AppSyncScalars.names { #expect(compiled.schema.getType(name: name) != nil) }
        // A schema that declares one itself keeps its own declaration.
        _ = try AppSyncSchemaBuilder.build(sdl: "scalar AWSDateTime\ntype Query { t: AWSDateTime @aws_api_key @aws_iam }")
    }

    @Test(arguments: [
        ("AWSDateTime", "2026-01-11T09:55:15.123Z", true), ("AWSDateTime", "2026-01-11T09:55:15+09:00", true),
        ("AWSDateTime", "2026-01-11T09:55:15", false), ("AWSDateTime", "2026-01-11", false),
        ("AWSDate", "2026-01-11", true), ("AWSDate", "2026-01-11\n", false), ("AWSDate", "2026-01-11Z", true), ("AWSDate", "2026-13-01", false),
        ("AWSTime", "09:55", true), ("AWSTime", "09:55:15.123+09:00", true), ("AWSTime", "25:00", false),
        ("AWSEmail", "a@example.com", true), ("AWSEmail", "not-an-email", false),
        ("AWSJSON", #"{"a":[1,2]}"#, true), ("AWSJSON", "{a}", false),
        ("AWSURL", "https://smalruby.app/x?y=1", true), ("AWSURL", "smalruby.app", false),
        ("AWSPhone", "+81 90-1234-5678", true), ("AWSPhone", "phone", false),
        ("AWSIPAddress", "203.0.113.7", true), ("AWSIPAddress", "10.0.0.0/8", true), ("AWSIPAddress", "::1", true),
        ("AWSIPAddress", "256.1.1.1", false),
        ("AWSTimestamp", "1700000000", true), ("AWSTimestamp", "soon", false),
    ])
    func scalarValidation(name: String, value: String, valid: Bool) {
        #expect(AppSyncScalars.isValid(name, string: value) == valid)
    }

    @Test func introspectionIncludingInputValueDeprecation() async throws {
        let f = try Fixture.make()
        let query = """
            query { __schema { queryType { name } types { name fields(includeDeprecated: true) {
              name args(includeDeprecated: true) { name isDeprecated deprecationReason } } } } }
            """
        let r = await f.post(query)
        #expect(r.body["errors"] == nil)
        let types = r.body["data"]?["__schema"]?["types"]?.arrayValue ?? []
        let mutation = try #require(types.first { $0["name"] == "Mutation" })
        let createGroup = try #require(mutation["fields"]?.arrayValue?.first { $0["name"] == "createGroup" })
        #expect(createGroup["args"]?.arrayValue?.first?["isDeprecated"] == false)
    }
}

@Suite struct PersistenceTests {
    @Test func apisKeysAndResolversSurviveAReopen() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("appsync-\(UUID().uuidString).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try Fixture.make(path: path)
        #expect(await first.post("{ hello }").body == json(#"{"data":{"hello":"world"}}"#))

        let backend = try AppSyncBackend(database: SQLiteDatabase(path: path), clock: first.clock)
        backend.register(meshProvider)
        let reopened = Fixture(backend: backend, clock: first.clock, apiId: first.apiId, key: first.key)
        #expect(try backend.getGraphqlApi(apiId: first.apiId)["name"] == "MeshV2Api")
        #expect(await reopened.post("{ hello }").body == json(#"{"data":{"hello":"world"}}"#))
        #expect(try backend.listResolvers(apiId: first.apiId, typeName: "Mutation").count == 4)
    }
}

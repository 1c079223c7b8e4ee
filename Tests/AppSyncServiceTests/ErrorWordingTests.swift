import AWSCore
import Testing
@testable import AppSyncService

/// graphql-java's wording for literal, variable and syntax errors, and introspection order.
@Suite struct ErrorWordingTests {
    @Test func wrongLiteralType() async throws {
        let f = try Fixture.make()
        let literal = await f.post("{ listGroupsByDomain(domain: 5) { id } }")
        #expect(literal.body["data"] == .null)
        #expect(literal.body["errors"]?.arrayValue?.first?["message"]
            == "Validation error of type WrongType: argument 'domain' with value 'IntValue{value=5}' is not a valid 'String' @ 'listGroupsByDomain'")
        let null = await f.post("{ listGroupsByDomain(domain: null) { id } }")
        #expect(null.body["errors"]?.arrayValue?.first?["message"]
            == "Validation error of type WrongType: argument 'domain' with value 'NullValue{}' must not be null @ 'listGroupsByDomain'")
    }

    @Test func missingNonNullVariable() async throws {
        let f = try Fixture.make()
        let missing = await f.post("query Q($d: String!) { listGroupsByDomain(domain: $d) { id } }")
        #expect(missing.body == json(#"""
            {"data":null,"errors":[{"path":null,"locations":[{"line":1,"column":9,"sourceName":null}],
             "message":"Variable 'd' has coerced Null value for NonNull type 'String!'"}]}
            """#))
        let wrong = await f.post("query Q($d: String!) { listGroupsByDomain(domain: $d) { id } }", variables: ["d": 5])
        #expect(wrong.body["errors"]?.arrayValue?.first?["message"]?.stringValue?.hasPrefix("Variable 'd' has an invalid value: ") == true)
    }

    @Test func syntaxError() async throws {
        let f = try Fixture.make()
        let syntax = await f.post("{ hello ")
        #expect(syntax.body["data"] == .null)
        #expect(syntax.body["errors"]?.arrayValue?.first?["message"] == "Invalid Syntax : offending token '<EOF>' at line 1 column 9")
    }

    @Test func introspectionKeepsTheSchemaFieldOrder() async throws {
        let f = try Fixture.make()
        let r = await f.post(#"{ __type(name: "Group") { fields { name } } }"#)
        let names = r.body["data"]?["__type"]?["fields"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["id", "domain", "fullId", "name", "hostId", "expiresAt", "heartbeatIntervalSeconds", "useWebSocket", "pollingIntervalSeconds"])
        let input = await f.post(#"{ __type(name: "SensorDataInput") { inputFields { name } } }"#)
        #expect(input.body["data"]?["__type"]?["inputFields"] == json(#"[{"name":"key"},{"name":"value"}]"#))
    }
}

extension ErrorWordingTests {
    @Test func nonNullRootWithoutResolverReportsItsPath() async throws {
        let f = try Fixture.make()
        try f.backend.deleteResolver(apiId: f.apiId, typeName: "Mutation", fieldName: "createGroup")
        let r = await f.post("mutation { createGroup(name: \"a\", hostId: \"h\", domain: \"d\", useWebSocket: true) { id } }")
        #expect(r.body == json(#"""
            {"data":null,"errors":[{"path":["createGroup"],"locations":null,
             "message":"Cannot return null for non-nullable type: 'Group' within parent 'Mutation' (/createGroup)"}]}
            """#))
    }
}

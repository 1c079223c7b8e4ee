import AWSCore
import Foundation
import SandboxStorage
import Testing
@testable import AppSyncService

/// `aws appsync …` through the restJson router, shapes from the AppSync API reference.
@Suite struct ControlPlaneTests {
    struct Harness {
        let backend: AppSyncBackend
        let router: AWSProtocolRouter

        init() throws {
            backend = try AppSyncBackend(database: SQLiteDatabase(path: nil), clock: ManualClock(), endpoint: SandboxEndpoint(port: 4566))
            router = AWSProtocolRouter(services: [AppSyncService(backend: backend)])
        }

        func call(_ method: String, _ target: String, _ body: JSONValue? = nil) async -> (status: Int, body: JSONValue, errorType: String?) {
            var headers = HTTPHeaders([("Content-Type", "application/json")])
            headers.add("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/ap-northeast-1/appsync/aws4_request, SignedHeaders=host, Signature=0")
            let request = AWSRequest(method: method, target: target, headers: headers, body: body?.serialized() ?? [])
            let outcome = await router.route(request)
            let parsed = outcome.response.body.isEmpty ? JSONValue.null : ((try? JSONParser.parse(outcome.response.body)) ?? .null)
            return (outcome.response.status, parsed, outcome.response.headers["x-amzn-ErrorType"])
        }
    }

    @Test func graphqlApiLifecycle() async throws {
        let h = try Harness()
        let created = await h.call("POST", "/v1/apis", ["name": "MeshV2Api-stg", "authenticationType": "API_KEY", "tags": ["Stage": "stg"],
                                                        "logConfig": ["fieldLogLevel": "ERROR", "cloudWatchLogsRoleArn": "arn:aws:iam::123456789012:role/r"],
                                                        "xrayEnabled": true])
        #expect(created.status == 200)
        let api = try #require(created.body["graphqlApi"])
        let apiId = try #require(api["apiId"]?.stringValue)
        #expect(apiId.count == 26)
        #expect(api["arn"] == .string("arn:aws:appsync:ap-northeast-1:123456789012:apis/\(apiId)"))
        #expect(api["uris"]?["GRAPHQL"] == .string("https://localhost:4566/apis/\(apiId)/graphql"))
        #expect(api["uris"]?["REALTIME"] == .string("wss://localhost:4566/apis/\(apiId)/graphql/realtime"))
        #expect(api["tags"] == ["Stage": "stg"])
        #expect(api["xrayEnabled"] == true)
        #expect(api["logConfig"]?["fieldLogLevel"] == "ERROR")

        let listed = await h.call("GET", "/v1/apis")
        #expect(listed.body["graphqlApis"]?.arrayValue?.map { $0["name"] } == ["MeshV2Api-stg"])

        let tags = await h.call("GET", "/v1/tags/" + api["arn"]!.stringValue!.replacingOccurrences(of: "/", with: "%2F").replacingOccurrences(of: ":", with: "%3A"))
        #expect(tags.body == json(#"{"tags":{"Stage":"stg"}}"#))

        let updated = await h.call("POST", "/v1/apis/\(apiId)", ["name": "Renamed", "authenticationType": "API_KEY"])
        #expect(updated.body["graphqlApi"]?["name"] == "Renamed")

        #expect(await h.call("DELETE", "/v1/apis/\(apiId)").status == 200)
        let gone = await h.call("GET", "/v1/apis/\(apiId)")
        #expect(gone.status == 404)
        #expect(gone.errorType == "NotFoundException")
        #expect(gone.body == .object(["message": .string("GraphQL API \(apiId) not found.")]))
    }

    @Test func tagAndUntag() async throws {
        let h = try Harness()
        let arn = try #require(await h.call("POST", "/v1/apis", ["name": "A", "authenticationType": "API_KEY"]).body["graphqlApi"]?["arn"]?.stringValue)
        _ = await h.call("POST", "/v1/tags/\(arn)", ["tags": ["a": "1", "b": "2"]])
        _ = await h.call("DELETE", "/v1/tags/\(arn)?tagKeys=a")
        #expect(await h.call("GET", "/v1/tags/\(arn)").body == json(#"{"tags":{"b":"2"}}"#))
        let missing = await h.call("GET", "/v1/tags/arn:aws:appsync:ap-northeast-1:123456789012:apis/nope")
        #expect(missing.errorType == "NotFoundException")
    }

    @Test func schemaCreationAndIntrospection() async throws {
        let h = try Harness()
        let apiId = try #require(await h.call("POST", "/v1/apis", ["name": "A", "authenticationType": "API_KEY"]).body["graphqlApi"]?["apiId"]?.stringValue)
        let definition = Data(meshSDL.utf8).base64EncodedString()
        let started = await h.call("POST", "/v1/apis/\(apiId)/schemacreation", ["definition": .string(definition)])
        #expect(started.body == ["status": "PROCESSING"])
        let status = await h.call("GET", "/v1/apis/\(apiId)/schemacreation")
        #expect(status.body["status"] == "SUCCESS")

        let endpoint = GraphQLHTTPEndpoint(backend: h.backend)
        let sdl = try #require(await endpoint.respond(to: AWSRequest(method: "GET", target: "/v1/apis/\(apiId)/schema?format=SDL")))
        #expect(String(decoding: sdl.body, as: UTF8.self).contains("onMessageInGroup"))
        let introspection = try #require(await endpoint.respond(to: AWSRequest(method: "GET", target: "/v1/apis/\(apiId)/schema?format=JSON")))
        let types = try JSONParser.parse(introspection.body)["data"]?["__schema"]?["types"]?.arrayValue ?? []
        #expect(types.contains { $0["name"] == "AWSDateTime" && $0["kind"] == "SCALAR" })

        let bad = await h.call("POST", "/v1/apis/\(apiId)/schemacreation", ["definition": "type Query { x: Nope }"])
        #expect(bad.status == 200)
        #expect(await h.call("GET", "/v1/apis/\(apiId)/schemacreation").body["status"] == "FAILED")
    }

    @Test func apiKeys() async throws {
        let h = try Harness()
        let apiId = try #require(await h.call("POST", "/v1/apis", ["name": "A", "authenticationType": "API_KEY"]).body["graphqlApi"]?["apiId"]?.stringValue)
        let now = Int(ManualClock().now.timeIntervalSince1970)
        let created = await h.call("POST", "/v1/apis/\(apiId)/apikeys", ["description": "k"])
        let key = try #require(created.body["apiKey"])
        let id = try #require(key["id"]?.stringValue)
        #expect(id.hasPrefix("da2-") && id.count == 30)
        #expect(id.dropFirst(4).allSatisfy { $0.isLowercase || $0.isNumber })
        // Default: 7 days, rounded down to the hour.
        #expect(key["expires"]?.intValue == (now + 7 * 86_400) / 3600 * 3600)
        let tooShort = await h.call("POST", "/v1/apis/\(apiId)/apikeys", ["expires": .int(now + 3600)])
        #expect(tooShort.errorType == "ApiKeyValidityOutOfBoundsException")
        #expect(await h.call("GET", "/v1/apis/\(apiId)/apikeys").body["apiKeys"]?.arrayValue?.count == 1)
        #expect(await h.call("DELETE", "/v1/apis/\(apiId)/apikeys/\(id)").status == 200)
        #expect(await h.call("DELETE", "/v1/apis/\(apiId)/apikeys/\(id)").errorType == "NotFoundException")
    }

    @Test func dataSourcesResolversAndFunctions() async throws {
        let h = try Harness()
        let apiId = try #require(await h.call("POST", "/v1/apis", ["name": "A", "authenticationType": "API_KEY"]).body["graphqlApi"]?["apiId"]?.stringValue)
        let ds = await h.call("POST", "/v1/apis/\(apiId)/datasources", ["name": "Table", "type": "AMAZON_DYNAMODB",
                                                                        "dynamodbConfig": ["tableName": "MeshV2Table", "awsRegion": "ap-northeast-1"]])
        #expect(ds.body["dataSource"]?["dataSourceArn"] == .string("arn:aws:appsync:ap-northeast-1:123456789012:apis/\(apiId)/datasources/Table"))
        #expect(await h.call("POST", "/v1/apis/\(apiId)/datasources", ["name": "Table", "type": "NONE"]).errorType == "BadRequestException")
        let fn = await h.call("POST", "/v1/apis/\(apiId)/functions", ["name": "checkGroupExists", "dataSourceName": "Table",
                                                                      "runtime": ["name": "APPSYNC_JS", "runtimeVersion": "1.0.0"], "code": "export function request(){}"])
        let functionId = try #require(fn.body["functionConfiguration"]?["functionId"]?.stringValue)
        let resolver = await h.call("POST", "/v1/apis/\(apiId)/types/Mutation/resolvers",
                                    ["fieldName": "joinGroup", "kind": "PIPELINE", "pipelineConfig": ["functions": [.string(functionId)]],
                                     "runtime": ["name": "APPSYNC_JS", "runtimeVersion": "1.0.0"], "code": "export function request(){}"])
        #expect(resolver.body["resolver"]?["resolverArn"] == .string("arn:aws:appsync:ap-northeast-1:123456789012:apis/\(apiId)/types/Mutation/resolvers/joinGroup"))
        #expect(await h.call("GET", "/v1/apis/\(apiId)/types/Mutation/resolvers").body["resolvers"]?.arrayValue?.count == 1)
        #expect(await h.call("GET", "/v1/apis/\(apiId)/functions/\(functionId)/resolvers").body["resolvers"]?.arrayValue?.count == 1)
        let missingDS = await h.call("POST", "/v1/apis/\(apiId)/types/Query/resolvers", ["fieldName": "x", "dataSourceName": "Nope"])
        #expect(missingDS.errorType == "NotFoundException")
        #expect(await h.call("GET", "/v1/apis/\(apiId)/types/Query/resolvers/x").status == 404)
    }

    @Test func domainNamesAndAssociations() async throws {
        let h = try Harness()
        let apiId = try #require(await h.call("POST", "/v1/apis", ["name": "A", "authenticationType": "API_KEY"]).body["graphqlApi"]?["apiId"]?.stringValue)
        let created = await h.call("POST", "/v1/domainnames", ["domainName": "stg.graphql.api.smalruby.app",
                                                               "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"])
        #expect(created.body["domainNameConfig"]?["domainName"] == "stg.graphql.api.smalruby.app")
        let list = await h.call("GET", "/v1/domainnames")
        #expect(list.body["domainNameConfigs"]?.arrayValue?.map { $0["domainName"] } == ["stg.graphql.api.smalruby.app"])
        let association = await h.call("POST", "/v1/domainnames/stg.graphql.api.smalruby.app/apiassociation", ["apiId": .string(apiId)])
        #expect(association.body["apiAssociation"]?["associationStatus"] == "SUCCESS")
        #expect(try h.backend.apiId(forHost: "stg.graphql.api.smalruby.app") == apiId)
        #expect(await h.call("DELETE", "/v1/domainnames/stg.graphql.api.smalruby.app").errorType == "BadRequestException")
        _ = await h.call("DELETE", "/v1/domainnames/stg.graphql.api.smalruby.app/apiassociation")
        #expect(await h.call("DELETE", "/v1/domainnames/stg.graphql.api.smalruby.app").status == 200)
    }

    /// Resolvers and metering read the API's account and region per request: parsed once, kept in step with `arn`.
    @Test func apiInfoKnowsItsAccountAndRegion() {
        var info = AppSyncAPIInfo(apiId: "a1", name: "n", arn: "arn:aws:appsync:ap-northeast-1:123456789012:apis/a1")
        #expect(info.accountID == "123456789012" && info.region == "ap-northeast-1")
        info.arn = "arn:aws:appsync:us-east-1:000000000000:apis/a1"
        #expect(info.accountID == "000000000000" && info.region == "us-east-1")
        info.arn = "not an arn"
        #expect(info.accountID == "" && info.region == "")
    }
}

import AWSCore
import Foundation
import SandboxStorage
import Testing
@testable import AppSyncService

/// Captures what AppSync hands its log and trace sinks.
final class CapturingSinks: AppSyncLogSink, TraceSegmentSink, @unchecked Sendable {
    private let lock = NSLock()
    private var _events: [(group: String, stream: String, message: String)] = []
    private var _segments: [JSONValue] = []

    func write(group: String, stream: String, events: [AppSyncLogEvent], accountID: String, region: String) {
        lock.withLock { _events += events.map { (group, stream, $0.message) } }
    }

    func put(segments: [JSONValue], accountID: String, region: String) { lock.withLock { _segments += segments } }

    var events: [(group: String, stream: String, message: String)] { lock.withLock { _events } }
    var segments: [JSONValue] { lock.withLock { _segments } }
    var json: [JSONObject] { events.compactMap { (try? JSONParser.parse($0.message))?.objectValue } }
}

/// CloudWatch logs in AppSync's formats per `logConfig`, and X-Ray segments when `xrayEnabled`.
@Suite struct ObservabilityTests {
    static func fixture(logConfig: JSONValue?, xray: Bool = false) throws -> (Fixture, CapturingSinks) {
        let sinks = CapturingSinks()
        let clock = ManualClock()
        let backend = try AppSyncBackend(database: SQLiteDatabase(path: nil), clock: clock,
                                         telemetry: AppSyncTelemetry(logSink: sinks, traceSink: sinks))
        backend.register(meshProvider)
        let scope = AppSyncScope(accountID: "123456789012", region: "ap-northeast-1")
        var input: JSONObject = ["name": "MeshV2Api", "authenticationType": "API_KEY", "xrayEnabled": .bool(xray)]
        input.set("logConfig", logConfig)
        let apiId = try backend.createGraphqlApi(input, scope: scope)["apiId"]!.stringValue!
        try backend.startSchemaCreation(apiId: apiId, definition: meshSDL)
        _ = try backend.createDataSource(apiId: apiId, ["name": "Native", "type": "AWS_LAMBDA",
                                                        "lambdaConfig": ["lambdaFunctionArn": "arn:aws:lambda:ap-northeast-1:123456789012:function:f"]])
        for (type, field) in [("Query", "hello"), ("Query", "getNodeStatus")] {
            _ = try backend.createResolver(apiId: apiId, typeName: type, ["fieldName": .string(field), "dataSourceName": "Native"])
        }
        let key = try backend.createApiKey(apiId: apiId)["id"]!.stringValue!
        return (Fixture(backend: backend, clock: clock, apiId: apiId, key: key), sinks)
    }

    @Test func allLevelLogsRequestAndFieldLines() async throws {
        let (f, sinks) = try Self.fixture(logConfig: ["fieldLogLevel": "ALL", "excludeVerboseContent": false, "cloudWatchLogsRoleArn": "arn:aws:iam::1:role/r"])
        let r = await f.post("{ hello }")
        let requestID = try #require(r.headers["x-amzn-RequestId"])
        #expect(sinks.events.isEmpty)  // nothing on the request path
        f.backend.telemetry.flush()
        #expect(Set(sinks.events.map(\.group)) == ["/aws/appsync/apis/\(f.apiId)"])
        let types = sinks.json.compactMap { $0["logType"]?.stringValue }
        #expect(types == ["RequestMapping", "ResponseMapping", "Tracing", "ExecutionSummary", "RequestSummary"])
        #expect(sinks.events.contains { $0.message.hasPrefix("\(requestID) GraphQL Query: { hello }, Operation: null") })
        #expect(sinks.events.contains { $0.message.hasPrefix("\(requestID) Request Headers: {") && $0.message.contains("x-api-key=[da2-****]") })
        let tracing = try #require(sinks.json.first { $0["logType"] == "Tracing" })
        #expect(tracing["path"] == ["hello"] && tracing["parentType"] == "Query" && tracing["returnType"] == "String")
        #expect(tracing["requestId"]?.stringValue == requestID)
        let summary = try #require(sinks.json.first { $0["logType"] == "RequestSummary" })
        #expect(summary["statusCode"] == 200 && summary["graphQLAPIId"]?.stringValue == f.apiId)
        #expect(!sinks.events.contains { $0.message.contains(" ERROR ") })
    }

    @Test func errorLevelLogsOnlyFieldsInErrorAndAnErrorLine() async throws {
        let (f, sinks) = try Self.fixture(logConfig: ["fieldLogLevel": "ERROR", "excludeVerboseContent": true])
        _ = await f.post("{ hello }")
        _ = await f.post("{ getNodeStatus(nodeId: \"n1\") { nodeId } }")
        f.backend.telemetry.flush()
        let mappings = sinks.json.filter { $0["logType"] == "RequestMapping" || $0["logType"] == "ResponseMapping" }
        #expect(mappings.count == 2 && mappings.allSatisfy { $0["fieldInError"] == true && $0["fieldName"] == "getNodeStatus" })
        #expect(mappings.allSatisfy { $0["context"] == nil })  // verbose content excluded
        #expect(!sinks.json.contains { $0["logType"] == "Tracing" })
        let errors = sinks.events.filter { $0.message.contains(" ERROR ") }
        #expect(errors.count == 1 && errors[0].message.contains("NodeNotFound: Node not found: n1 (path /getNodeStatus)"))
        #expect(!sinks.events.contains { $0.message.contains("Request Headers") })
        #expect(sinks.json.filter { $0["logType"] == "RequestSummary" }.count == 2)
    }

    @Test func noLogConfigWritesNothingAndNoneWritesRequestLevelOnly() async throws {
        let (quiet, quietSinks) = try Self.fixture(logConfig: nil)
        _ = await quiet.post("{ hello }")
        quiet.backend.telemetry.flush()
        #expect(quietSinks.events.isEmpty && quietSinks.segments.isEmpty)

        let (none, sinks) = try Self.fixture(logConfig: ["fieldLogLevel": "NONE"])
        _ = await none.post("{ getNodeStatus(nodeId: \"n1\") { nodeId } }")
        none.backend.telemetry.flush()
        #expect(sinks.json.compactMap { $0["logType"]?.stringValue } == ["ExecutionSummary", "RequestSummary"])
    }

    @Test func xrayRecordsASegmentWithResolverSubsegments() async throws {
        let (f, sinks) = try Self.fixture(logConfig: nil, xray: true)
        _ = await f.post("{ hello }")
        f.backend.telemetry.flush()
        #expect(sinks.events.isEmpty)
        let segment = try #require(sinks.segments.first)
        #expect(segment["name"] == "MeshV2Api" && segment["origin"] == "AWS::AppSync::GraphQLAPI")
        #expect(segment["trace_id"]?.stringValue?.hasPrefix("1-") == true)
        #expect(segment["subsegments"]?.arrayValue?.map { $0["name"] } == ["Query.hello"])
        #expect(segment["parent_id"] == nil)

        // A caller's X-Amzn-Trace-Id continues its trace.
        let root = "1-6929a0c0-0123456789abcdef01234567"
        _ = await f.post("{ hello }", headers: [("X-Amzn-Trace-Id", "Root=\(root);Parent=53995c3f42cd8ad8;Sampled=1")])
        f.backend.telemetry.flush()
        let continued = try #require(sinks.segments.last)
        #expect(continued["trace_id"]?.stringValue == root && continued["parent_id"] == "53995c3f42cd8ad8")
    }

    @Test func theWriterFlushesWhatIsPendingWhenCancelled() async throws {
        let sinks = CapturingSinks()
        let telemetry = AppSyncTelemetry(logSink: sinks, interval: .seconds(3600))
        let writer = Task { try await telemetry.run() }
        telemetry.enqueue(apiId: "abc", events: [AppSyncLogEvent(timestamp: 1_764_000_000_000, message: "last words")],
                          accountID: "123456789012", region: "ap-northeast-1")
        #expect(sinks.events.isEmpty)
        writer.cancel()
        try await writer.value
        #expect(sinks.events.map(\.message) == ["last words"])
        #expect(sinks.events.first?.stream.hasPrefix("2025-11-24-") == true)
    }
}

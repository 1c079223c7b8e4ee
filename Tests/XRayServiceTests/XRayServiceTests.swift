import AWSCore
import Foundation
import SandboxStorage
import Testing
@testable import XRayService

func call(_ service: XRayService, _ name: String, _ input: JSONObject) async throws -> JSONValue {
    let context = AWSRequestContext(requestID: "r", accountID: "123456789012", region: "ap-northeast-1", accessKeyID: nil,
                                    request: AWSRequest(method: "POST", target: "/"))
    return try await service.operations.first { $0.name == name }!.handler(OperationInput(members: input), context)
}

@Suite struct XRayServiceTests {
    static func service() throws -> XRayService {
        let db = try SQLiteDatabase(path: nil)
        try db.migrate(XRayService.migrations)
        return XRayService(database: db, clock: SystemClock())
    }

    /// A segment as AppSync records it: the API, a resolver, and a DynamoDB call under it.
    static func appSyncSegment(error: Bool = false) -> JSONValue {
        let now = Date().timeIntervalSince1970
        var fields: JSONObject = ["http": ["request": ["method": "POST", "url": "https://localhost/apis/x/graphql"], "response": ["status": 200]]]
        if error { fields["error"] = true }
        return .object([
            "id": .string(XRayID.segment()), "trace_id": .string(XRayID.trace(at: Date())), "name": "MeshV2Api-stg",
            "origin": "AWS::AppSync::GraphQLAPI", "start_time": .double(now - 0.05), "end_time": .double(now),
            "http": fields["http"]!, "error": .bool(error),
            "subsegments": [["id": "1111111111111111", "name": "Mutation.createGroup", "start_time": .double(now - 0.04), "end_time": .double(now - 0.01),
                             "subsegments": [["id": "2222222222222222", "name": "DynamoDB", "namespace": "aws", "start_time": .double(now - 0.03),
                                              "end_time": .double(now - 0.02), "aws": ["operation": "PutItem", "table_name": "MeshV2Table-stg"]]]]],
        ])
    }

    @Test func tracesSummariesAndGraph() async throws {
        let xray = try Self.service()
        let docs = [Self.appSyncSegment(), Self.appSyncSegment(), Self.appSyncSegment(error: true)]
        xray.put(segments: docs, accountID: "123456789012", region: "ap-northeast-1")
        let now = Date().timeIntervalSince1970
        let range: JSONObject = ["StartTime": .double(now - 60), "EndTime": .double(now + 60)]
        let summaries = try await call(xray, "GetTraceSummaries", range)
        #expect(summaries["TraceSummaries"]?.arrayValue?.count == 3)
        #expect(summaries["TraceSummaries"]?.arrayValue?.filter { $0["HasError"] == true }.count == 1)
        var errorsOnly = range
        errorsOnly["FilterExpression"] = "error AND service(\"MeshV2Api-stg\")"
        #expect(try await call(xray, "GetTraceSummaries", errorsOnly)["TraceSummaries"]?.arrayValue?.count == 1)
        var bad = range
        bad["FilterExpression"] = "annotation.x = 1 OR rootcause.fault.entity { name = \"x\" }"
        await #expect(throws: XRayError.self) { try await call(xray, "GetTraceSummaries", bad) }

        let id = docs[0]["trace_id"]!
        let traces = try await call(xray, "BatchGetTraces", ["TraceIds": [id, "1-00000000-000000000000000000000000"]])
        #expect(traces["UnprocessedTraceIds"] == ["1-00000000-000000000000000000000000"])
        let segments = traces["Traces"]?.arrayValue?.first?["Segments"]?.arrayValue?.compactMap { try? JSONParser.parse($0["Document"]!.stringValue!) } ?? []
        #expect(Set(segments.compactMap { $0["origin"]?.stringValue }) == ["AWS::AppSync::GraphQLAPI", "AWS::DynamoDB::Table"])
        #expect(segments.first { $0["inferred"] == true }?["parent_id"] == "2222222222222222")

        let graph = try await call(xray, "GetServiceGraph", range)
        let services = graph["Services"]?.arrayValue ?? []
        #expect(services.map { $0["Type"]!.stringValue! } == ["client", "AWS::AppSync::GraphQLAPI", "AWS::DynamoDB::Table"])
        let api = services[1]
        #expect(api["Root"] == true && api["SummaryStatistics"]?["TotalCount"] == 3 && api["SummaryStatistics"]?["ErrorStatistics"]?["TotalCount"] == 1)
        #expect(api["Edges"]?.arrayValue?.map { $0["ReferenceId"] } == [2])
        #expect(services[0]["Edges"]?.arrayValue?.map { $0["ReferenceId"] } == [1])
    }

    @Test func putTraceSegmentsAcceptsDocumentsAndReportsBadOnes() async throws {
        let xray = try Self.service()
        let good = Self.appSyncSegment().serializedString()
        let out = try await call(xray, "PutTraceSegments", ["TraceSegmentDocuments": [.string(good), #"{"id":"abc"}"#]])
        #expect(out["UnprocessedTraceSegments"]?.arrayValue?.map { $0["Id"] } == ["abc"])
    }

    @Test func recorderNestsSubsegmentsAndMarksErrors() async throws {
        struct Boom: AWSError { var code = "ConditionalCheckFailedException"; var message = "x"; var httpStatus = 400 }
        let recorder = TraceRecorder()
        await TraceRecorder.$current.withValue(recorder) {
            await TraceRecorder.current!.measure("Mutation.joinGroup") {
                _ = try? await TraceRecorder.current!.measure("DynamoDB", namespace: "aws", aws: ["operation": "PutItem"]) { throw Boom() }
            }
        }
        let doc = recorder.document(name: "api", origin: "AWS::AppSync::GraphQLAPI", end: Date(), fields: [:])
        let resolver = doc["subsegments"]?.arrayValue?.first
        #expect(resolver?["name"] == "Mutation.joinGroup")
        #expect(resolver?["subsegments"]?.arrayValue?.first?["error"] == true && resolver?["subsegments"]?.arrayValue?.first?["namespace"] == "aws")
    }

    @Test func retentionAndCapBoundTheStore() async throws {
        let db = try SQLiteDatabase(path: nil)
        try db.migrate(XRayService.migrations)
        let clock = ManualClock(Date())
        let xray = XRayService(database: db, clock: clock, retention: 30 * 86_400, maxSegments: 3)
        func segment(_ name: String, at time: Double) -> JSONValue {
            ["id": .string(XRayID.segment()), "trace_id": .string(XRayID.trace(at: Date(timeIntervalSince1970: time))), "name": .string(name),
             "start_time": .double(time), "end_time": .double(time + 0.01)]
        }
        let now = clock.now.timeIntervalSince1970
        xray.put(segments: [segment("old", at: now - 31 * 86_400)], accountID: "123456789012", region: "ap-northeast-1")
        clock.advance(by: 61)
        xray.put(segments: (1...4).map { segment("new\($0)", at: now + Double($0)) }, accountID: "123456789012", region: "ap-northeast-1")
        let names = try await call(xray, "GetTraceSummaries", ["StartTime": .double(now - 40 * 86_400), "EndTime": .double(now + 10)])["TraceSummaries"]?
            .arrayValue?.compactMap { $0["EntryPoint"]?["Name"]?.stringValue }.sorted()
        #expect(names == ["new2", "new3", "new4"])
    }
}

public import AWSCore
import Foundation
public import SandboxStorage

/// AWS X-Ray (restJson, signing name `xray`): segments put by clients or recorded by traced
/// services (AppSync), and the reads the console's traces and service map use.
public final class XRayService: AWSService, TraceSegmentSink {
    public let signingName = "xray"
    public let bindings: [ProtocolBinding] = [.restJSON]

    public static var migrations: [Migration] { XRayStore.migrations }

    let store: XRayStore
    let clock: any SandboxClock

    public init(database: SQLiteDatabase, clock: any SandboxClock, retention: TimeInterval = 30 * 86_400, maxSegments: Int = 200_000) {
        store = XRayStore(database: database, retention: retention, maxSegments: maxSegments)
        self.clock = clock
    }

    public var operations: [AWSOperation] {
        [
            AWSOperation("PutTraceSegments", route: RestRoute("POST", "/TraceSegments"), handler: putTraceSegments),
            AWSOperation("GetTraceSummaries", route: RestRoute("POST", "/TraceSummaries"), handler: getTraceSummaries),
            AWSOperation("BatchGetTraces", route: RestRoute("POST", "/Traces"), handler: batchGetTraces),
            AWSOperation("GetServiceGraph", route: RestRoute("POST", "/ServiceGraph"), handler: getServiceGraph),
        ]
    }

    /// ``TraceSegmentSink``: segments recorded by services in this process.
    public func put(segments: [JSONValue], accountID: String, region: String) {
        let parsed = segments.compactMap { $0.objectValue.flatMap(Segment.init(document:)) }
        try? store.insert(parsed, accountID: accountID, region: region, now: clock.now)
    }

    // MARK: Operations

    @Sendable func putTraceSegments(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        var accepted: [Segment] = []
        var unprocessed: [JSONValue] = []
        for text in try input.array("TraceSegmentDocuments")?.compactMap(\.stringValue) ?? [] {
            guard case .object(let doc)? = try? JSONParser.parse(text), let segment = Segment(document: doc) else {
                unprocessed.append(["Id": .string((try? JSONParser.parse(text))?["id"]?.stringValue ?? ""), "ErrorCode": "400",
                                    "Message": "Invalid segment document: id, trace_id, name and start_time are required."])
                continue
            }
            accepted.append(segment)
        }
        try store.insert(accepted, accountID: context.accountID, region: context.region, now: clock.now)
        return ["UnprocessedTraceSegments": .array(unprocessed)]
    }

    @Sendable func getTraceSummaries(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let (start, end) = try Self.timeRange(input)
        let filter = try TraceFilter(try input.string("FilterExpression"))
        let traces = try store.traces(startingIn: start, end, accountID: context.accountID, region: context.region)
        let matching = traces.map(TraceView.init(segments:)).filter { filter.matches($0) }.sorted { $0.start > $1.start }
        let offset = Int(try input.string("NextToken") ?? "0") ?? 0
        let page = matching.dropFirst(offset).prefix(100)
        var out: JSONObject = [
            "TraceSummaries": .array(page.map { $0.summary(accountID: context.accountID) }),
            "ApproximateTime": .timestamp(Date(timeIntervalSince1970: end)),
            "TracesProcessedCount": .int(traces.count),
        ]
        if offset + page.count < matching.count { out["NextToken"] = .string(String(offset + page.count)) }
        return .object(out)
    }

    @Sendable func batchGetTraces(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let ids = try input.array("TraceIds")?.compactMap(\.stringValue) ?? []
        guard !ids.isEmpty else { throw XRayError.invalidRequest("TraceIds must contain at least one trace id.") }
        var traces: [JSONValue] = []
        var unprocessed: [JSONValue] = []
        for id in ids {
            let segments = try store.segments(traceID: id, accountID: context.accountID, region: context.region)
            guard !segments.isEmpty else { unprocessed.append(.string(id)); continue }
            let view = TraceView(segments: segments)
            traces.append(["Id": .string(id), "Duration": .double(view.duration), "LimitExceeded": false,
                           "Segments": .array(segments.map { ["Id": .string($0.id), "Document": .string($0.text)] })])
        }
        return ["Traces": .array(traces), "UnprocessedTraceIds": .array(unprocessed)]
    }

    @Sendable func getServiceGraph(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let (start, end) = try Self.timeRange(input)
        let traces = try store.traces(startingIn: start, end, accountID: context.accountID, region: context.region)
        let graph = ServiceGraph(traces: traces.map(TraceView.init(segments:)))
        return [
            "StartTime": .timestamp(Date(timeIntervalSince1970: start)), "EndTime": .timestamp(Date(timeIntervalSince1970: end)),
            "Services": .array(graph.services(accountID: context.accountID, start: start, end: end)),
            "ContainsOldGroupVersions": false,
        ]
    }

    /// `StartTime`/`EndTime` (epoch seconds); at most 24 hours apart for GetTraceSummaries in AWS, not enforced here.
    static func timeRange(_ input: OperationInput) throws -> (Double, Double) {
        func seconds(_ name: String) throws -> Double {
            switch input.members[name] {
            case .number(let n)?: if let v = Double(n) { return v }
            case .timestamp(let d)?: return d.timeIntervalSince1970
            case .string(let s)?:
                if let v = Double(s) { return v }
                if let d = ISO8601DateFormatter().date(from: s) { return d.timeIntervalSince1970 }
            default: break
            }
            throw XRayError.invalidRequest("\(name) is required and must be a timestamp.")
        }
        let start = try seconds("StartTime"), end = try seconds("EndTime")
        guard start <= end else { throw XRayError.invalidRequest("StartTime must be before EndTime.") }
        return (start, end)
    }
}

/// X-Ray's errors (restJson: `x-amzn-ErrorType` and `{"Message"}`).
public enum XRayError: AWSError, Equatable {
    case invalidRequest(String)
    case throttled

    public var code: String {
        switch self {
        case .invalidRequest: "InvalidRequestException"
        case .throttled: "ThrottledException"
        }
    }

    public var message: String {
        switch self {
        case .invalidRequest(let m): m
        case .throttled: "Rate exceeded"
        }
    }

    public var httpStatus: Int {
        switch self {
        case .invalidRequest: 400
        case .throttled: 429
        }
    }
}

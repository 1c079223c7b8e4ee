import AWSCore
import Foundation

/// What one GraphQL request records while it runs, for the API's CloudWatch logs (in AppSync's
/// log formats) and its X-Ray trace. Exists only when the API logs or traces: a request on an API
/// without `logConfig` and X-Ray creates none and formats nothing.
final class RequestObservation: @unchecked Sendable {
    let requestID: String
    let api: AppSyncAPIInfo
    let config: APIObservability
    let started = Date()
    private let startNanos = DispatchTime.now().uptimeNanoseconds
    private let lock = NSLock()
    private var events: [AppSyncLogEvent] = []
    /// Parsing and validation offsets and durations (nanoseconds), for the ExecutionSummary.
    var parsing: (offset: Int64, duration: Int64) = (0, 0)
    var validation: (offset: Int64, duration: Int64) = (0, 0)

    init(requestID: String, api: AppSyncAPIInfo, config: APIObservability) {
        self.requestID = requestID
        self.api = api
        self.config = config
    }

    var fieldLogLevel: APIObservability.FieldLogLevel? { config.fieldLogLevel }
    var verbose: Bool { !config.excludeVerboseContent }

    /// Nanoseconds since the request started.
    func offset() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds &- startNanos) }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    func add(_ message: String) {
        let event = AppSyncLogEvent(timestamp: Self.nowMs(), message: message)
        lock.withLock { events.append(event) }
    }

    func add(_ object: JSONObject) { add(JSONValue.object(object).serializedString()) }

    var recorded: [AppSyncLogEvent] { lock.withLock { events } }

    // MARK: Request-level lines

    /// `<requestId> GraphQL Query: …, Operation: …, Variables: …` (variables are verbose content).
    func query(_ query: String, operationName: String?, variables: JSONObject) {
        let vars = verbose ? JSONValue.object(variables).serializedString() : "{}"
        add("\(requestID) GraphQL Query: \(query), Operation: \(operationName ?? "null"), Variables: \(vars)")
    }

    /// `<requestId> Request Headers: {name=[value], …}` (verbose content; the API key is masked).
    func headers(_ label: String, _ headers: [String: String]) {
        guard verbose else { return }
        let rendered = headers.sorted { $0.key < $1.key }.map { name, value in
            "\(name)=[\(name == "x-api-key" ? String(value.prefix(4)) + "****" : value)]"
        }.joined(separator: ", ")
        add("\(requestID) \(label): {\(rendered)}")
    }

    /// Request and field errors of the response, one `ERROR` line each (at field level ERROR and ALL).
    func responseErrors(_ response: JSONValue) {
        guard fieldLogLevel == .error || fieldLogLevel == .all, let errors = response["errors"]?.arrayValue else { return }
        for error in errors {
            let type = error["errorType"]?.stringValue ?? "GraphQLError"
            let path = error["path"]?.arrayValue.map { "/" + $0.map(\.scalarText).joined(separator: "/") } ?? ""
            add("\(requestID) ERROR \(type): \(error["message"]?.stringValue ?? "")" + (path.isEmpty ? "" : " (path \(path))"))
        }
    }

    func executionSummary() {
        let end = Date()
        add(["logType": "ExecutionSummary", "requestId": .string(requestID), "graphQLAPIId": .string(api.apiId),
             "startTime": .string(Timestamp.iso8601(started)), "endTime": .string(Timestamp.iso8601(end)),
             "duration": .int(offset()),
             "parsing": ["startOffset": .int(parsing.offset), "duration": .int(parsing.duration)],
             "validation": ["startOffset": .int(validation.offset), "duration": .int(validation.duration)],
             "version": 1])
    }

    func requestSummary(statusCode: Int) {
        add(["logType": "RequestSummary", "requestId": .string(requestID), "graphQLAPIId": .string(api.apiId),
             "statusCode": .int(statusCode), "latency": .int(offset())])
    }

    // MARK: Field-level lines

    /// A resolver ran: RequestMapping, ResponseMapping and Tracing at level ALL; the two mappings
    /// with `fieldInError` at level ERROR when it failed.
    func fieldResolved(path: [JSONValue], parentType: String, fieldName: String, returnType: String, arguments: JSONObject,
                       source: JSONValue, result: Result<JSONValue, AppSyncResolverError>, startOffset: Int64, duration: Int64) {
        guard let level = fieldLogLevel, level != .none else { return }
        let failed: AppSyncResolverError?
        if case .failure(let error) = result { failed = error } else { failed = nil }
        guard level == .all || failed != nil else { return }
        let resolverArn = "\(api.arn)/types/\(parentType)/resolvers/\(fieldName)"
        var common: JSONObject = ["path": .array(path), "fieldName": .string(fieldName), "parentType": .string(parentType),
                                  "resolverArn": .string(resolverArn), "requestId": .string(requestID), "graphQLAPIId": .string(api.apiId)]
        let errors: JSONValue = failed.map { error -> JSONValue in [["message": .string(error.message), "errorType": .string(error.type)]] } ?? []
        common["fieldInError"] = .bool(failed != nil)
        common["errors"] = errors
        var request = common
        request["logType"] = "RequestMapping"
        if verbose {
            request["context"] = ["arguments": .object(arguments), "source": source, "stash": [:], "outErrors": []]
            request["transformedTemplate"] = .string(JSONValue.object(["arguments": .object(arguments)]).serializedString())
        }
        add(request)
        var response = common
        response["logType"] = "ResponseMapping"
        if verbose {
            let value: JSONValue
            if case .success(let v) = result { value = v } else { value = .null }
            response["context"] = ["arguments": .object(arguments), "result": value, "stash": [:], "outErrors": errors]
            response["transformedTemplate"] = .string(value.serializedString())
        }
        add(response)
        guard level == .all else { return }
        add(["logType": "Tracing", "path": .array(path), "fieldName": .string(fieldName), "parentType": .string(parentType),
             "returnType": .string(returnType), "resolverArn": .string(resolverArn), "requestId": .string(requestID),
             "graphQLAPIId": .string(api.apiId), "startOffset": .int(startOffset), "duration": .int(duration)])
    }
}

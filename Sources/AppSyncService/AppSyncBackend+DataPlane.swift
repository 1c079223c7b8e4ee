import AWSCore
import Foundation

extension AppSyncBackend {
    /// The API an API key authorises: the key exists, has not expired, belongs to `apiId` (when
    /// given) and that API accepts `API_KEY` auth. nil otherwise.
    public func authorizedAPI(apiId: String?, apiKey: String?) -> String? {
        guard let apiKey, let key = try? self.apiKey(apiKey), key.isValid(at: now) else { return nil }
        if let apiId, apiId != key.apiId { return nil }
        return authenticationModes(apiId: key.apiId).contains("API_KEY") ? key.apiId : nil
    }

    /// Whether an API exists.
    public func apiExists(_ apiId: String) -> Bool { (try? store.get(.api, scope: "", name: apiId)) != nil }

    /// Runs one GraphQL request on `apiId` and fans its successful mutation results out to the
    /// API's subscribers before returning. The caller has already authorised the request.
    public func execute(apiId: String, query: String, variables: JSONObject = [:], operationName: String? = nil,
                        caller: CallerInfo = CallerInfo(), requestID: String = RequestID.make()) async -> JSONValue {
        let runtime: AppSyncRuntime
        do {
            guard let built = try self.runtime(apiId: apiId) else {
                return ["data": .null, "errors": [["errorType": "BadRequestException", "message": .string("No schema has been defined for GraphQL API \(apiId).")]]]
            }
            runtime = built
        } catch {
            return ["data": .null, "errors": [["errorType": "InternalFailureException", "message": .string("The schema of GraphQL API \(apiId) does not compile: \(error)")]]]
        }
        let config = runtime.observability
        guard (config.logs && telemetry.logsEnabled) || (config.xrayEnabled && telemetry.tracesEnabled) else {
            let outcome = await runtime.execute(query: query, variables: variables, operationName: operationName, caller: caller)
            meterRequest(api: runtime.api)
            for publication in outcome.publications { hub.publish(apiId: apiId, publication) }
            return outcome.response
        }
        return await observed(runtime, query: query, variables: variables, operationName: operationName, caller: caller, requestID: requestID)
    }

    /// `execute` on an API that logs or traces: the same, recorded.
    private func observed(_ runtime: AppSyncRuntime, query: String, variables: JSONObject, operationName: String?,
                          caller: CallerInfo, requestID: String) async -> JSONValue {
        let config = runtime.observability
        let observation = RequestObservation(requestID: requestID, api: runtime.api, config: config)
        let logs = config.logs && telemetry.logsEnabled
        if logs {
            observation.headers("Request Headers", caller.headers)
            observation.query(query, operationName: operationName, variables: variables)
        }
        let recorder = config.xrayEnabled && telemetry.tracesEnabled ? TraceRecorder(start: observation.started, traceHeader: caller.headers["x-amzn-trace-id"]) : nil
        let outcome = await TraceRecorder.$current.withValue(recorder) {
            await runtime.execute(query: query, variables: variables, operationName: operationName, caller: caller,
                                  observation: logs ? observation : nil)
        }
        meterRequest(api: runtime.api)
        for publication in outcome.publications { hub.publish(apiId: runtime.api.apiId, publication) }
        let hasErrors = !(outcome.response["errors"]?.arrayValue?.isEmpty ?? true)
        if let recorder {
            var request: JSONObject = ["method": "POST", "url": .string(graphqlURL(apiId: runtime.api.apiId))]
            if let ip = caller.sourceIP { request["client_ip"] = .string(ip) }
            let http: JSONObject = ["request": .object(request), "response": ["status": 200]]
            var fields: JSONObject = ["http": .object(http), "resource_arn": .string(runtime.api.arn),
                                      "aws": ["api_id": .string(runtime.api.apiId), "request_id": .string(requestID)]]
            if hasErrors { fields["error"] = true }
            telemetry.enqueue(segment: recorder.document(name: runtime.api.name, origin: "AWS::AppSync::GraphQLAPI", end: Date(), fields: fields),
                              accountID: config.accountID, region: config.region)
        }
        if logs {
            for publication in outcome.publications {
                observation.add("\(requestID) Publish: \(publication.mutationField) to subscription field(s) \(publication.subscriptionFields.joined(separator: ", "))")
            }
            observation.responseErrors(outcome.response)
            observation.headers("Response Headers", ["content-type": "application/json; charset=UTF-8", "x-amzn-requestid": requestID])
            observation.executionSummary()
            observation.requestSummary(statusCode: 200)
            telemetry.enqueue(apiId: runtime.api.apiId, events: observation.recorded, accountID: config.accountID, region: config.region)
        }
        return outcome.response
    }

    /// A real-time event in the API's request-level log (connections, subscriptions); the message
    /// is only built when the API logs.
    func logRealtime(apiId: String?, _ message: @autoclosure () -> String) {
        guard telemetry.logsEnabled, let apiId, let runtime = try? runtime(apiId: apiId), runtime.observability.logs else { return }
        let config = runtime.observability
        telemetry.enqueue(apiId: apiId, events: [AppSyncLogEvent(timestamp: RequestObservation.nowMs(), message: message())],
                          accountID: config.accountID, region: config.region)
    }

    /// Checks a real-time `start` and returns what the hub needs to register it.
    func prepareSubscription(apiId: String, payload: JSONObject, caller: CallerInfo) async -> Result<PreparedSubscription, StartFailure> {
        var data = payload["data"]
        if case .string(let text)? = data { data = try? JSONParser.parse(text) }
        guard case .object(let request)? = data, let query = request["query"]?.stringValue else {
            return .failure(StartFailure([RealtimeError(errorType: "BadRequestException", message: "The start payload's data must be a JSON object with a query.")]))
        }
        guard let runtime = try? self.runtime(apiId: apiId) else {
            return .failure(StartFailure([RealtimeError(errorType: "BadRequestException", message: "No schema has been defined for GraphQL API \(apiId).")]))
        }
        return await runtime.prepareSubscription(query: query, variables: request["variables"]?.objectValue ?? [:],
                                                 operationName: request["operationName"]?.stringValue, caller: caller)
    }
}

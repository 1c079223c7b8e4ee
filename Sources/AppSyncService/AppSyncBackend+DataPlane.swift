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
                        caller: CallerInfo = CallerInfo()) async -> JSONValue {
        let runtime: AppSyncRuntime
        do {
            guard let built = try self.runtime(apiId: apiId) else {
                return ["data": .null, "errors": [["errorType": "BadRequestException", "message": .string("No schema has been defined for GraphQL API \(apiId).")]]]
            }
            runtime = built
        } catch {
            return ["data": .null, "errors": [["errorType": "InternalFailureException", "message": .string("The schema of GraphQL API \(apiId) does not compile: \(error)")]]]
        }
        let outcome = await runtime.execute(query: query, variables: variables, operationName: operationName, caller: caller)
        meterRequest(api: runtime.api)
        for publication in outcome.publications { hub.publish(apiId: apiId, publication) }
        return outcome.response
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

import AWSCore

/// AppSync's GraphQL endpoint over HTTP(S): `POST /apis/<apiId>/graphql`, and `POST /graphql`
/// routed by `Host` (custom domain, `<apiId>.appsync-api.…`) or else by the API key.
///
/// Also answers `GET /v1/apis/<apiId>/schema` (`GetIntrospectionSchema`), whose reply is the raw
/// schema document rather than a JSON structure.
public struct GraphQLHTTPEndpoint: HTTPEndpoint {
    let backend: AppSyncBackend

    public init(backend: AppSyncBackend) { self.backend = backend }

    static let corsHeaders: [(String, String)] = [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Headers", "content-type, x-api-key, x-amz-date, x-amz-user-agent, x-amz-security-token, authorization"),
        ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
        ("Access-Control-Expose-Headers", "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date"),
        ("Access-Control-Max-Age", "86400"),
    ]

    static let unauthorizedBody: JSONValue = ["errors": [["errorType": "UnauthorizedException", "message": "You are not authorized to make this call."]]]

    public func respond(to request: AWSRequest) async -> AWSResponse? {
        if request.method == "GET", let response = await introspectionSchema(request) { return response }
        guard let route = GraphQLRoute.http(request.rawPath) else { return nil }
        // A WebSocket upgrade the real-time endpoint declined (no graphql-ws) lands here: say why.
        if request.method == "GET", request.headers["upgrade"]?.lowercased() == "websocket" {
            return reply(["errors": [["errorType": "BadRequestException", "message": "WebSocket connections must offer the graphql-ws sub-protocol."]]], status: 400)
        }
        if request.method == "OPTIONS" { return reply(nil, status: 200) }
        guard request.method == "POST" else {
            return reply(["errors": [["errorType": "MethodNotAllowed", "message": "Use POST for GraphQL requests."]]], status: 405)
        }
        let key = request.headers["x-api-key"]
        var apiId: String?
        switch route {
        case .api(let id): apiId = id
        case .bare: apiId = request.hostName.flatMap { try? backend.apiId(forHost: $0) }
        }
        guard let api = backend.authorizedAPI(apiId: apiId, apiKey: key) else { return reply(Self.unauthorizedBody, status: 401) }
        guard case .object(let body)? = try? JSONParser.parse(request.body), let query = body["query"]?.stringValue else {
            return reply(["errors": [["errorType": "MalformedHttpRequestException", "message": "Unable to parse the request body: expected a JSON object with a query."]]],
                         status: 400)
        }
        let variables = body["variables"]?.objectValue ?? [:]
        let operationName = body["operationName"]?.stringValue
        let requestID = RequestID.make()
        let result = await backend.execute(apiId: api, query: query, variables: variables, operationName: operationName,
                                           caller: CallerInfo(request: request, apiKey: key), requestID: requestID)
        var response = reply(result, status: 200)
        // The id the API's log lines carry, as AppSync returns it.
        response.headers.add("x-amzn-RequestId", requestID)
        return response
    }

    private func reply(_ body: JSONValue?, status: Int) -> AWSResponse {
        var response = body.map { AWSResponse.json($0, status: status, contentType: "application/json; charset=UTF-8") } ?? AWSResponse(status: status)
        for (name, value) in Self.corsHeaders { response.headers.add(name, value) }
        return response
    }

    /// `GetIntrospectionSchema`: `GET /v1/apis/{apiId}/schema?format=SDL|JSON&includeDirectives=…`.
    private func introspectionSchema(_ request: AWSRequest) async -> AWSResponse? {
        let parts = request.rawPath.split(separator: "/")
        guard parts.count == 4, parts[0] == "v1", parts[1] == "apis", parts[3] == "schema" else { return nil }
        let apiId = String(parts[2])
        let format = request.queryValue("format") ?? "SDL"
        let includeDirectives = request.queryValue("includeDirectives").map { $0 != "false" } ?? true
        do {
            let bytes = try await backend.introspectionSchema(apiId: apiId, format: format, includeDirectives: includeDirectives)
            var response = AWSResponse(status: 200, body: bytes)
            response.headers.add("Content-Type", format.uppercased() == "JSON" ? "application/json" : "application/octet-stream")
            return response
        } catch let error as AppSyncError {
            return RestJSONProtocol.encodeError(error)
        } catch {
            return RestJSONProtocol.encodeError(AppSyncError.internalFailure("\(error)"))
        }
    }
}

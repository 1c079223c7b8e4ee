import Logging

/// Picks the service and operation for an AWS request, runs it, and renders the reply or the
/// error in the protocol the caller spoke.
///
/// Order: `X-Amz-Target` (awsJson), then a form `Action=` (awsQuery), then method + path
/// (restJson). The SigV4 credential scope's service name disambiguates query and REST services.
public struct AWSProtocolRouter: Sendable {
    public struct Limits: Sendable {
        public var json: JSONParser.Limits
        public init(json: JSONParser.Limits = .init()) { self.json = json }
    }

    /// What was routed, for the access log.
    public struct Outcome: Sendable {
        public var response: AWSResponse
        public var service: String?
        public var operation: String?
        public var requestID: String
        public var errorCode: String?
    }

    private struct JSONEntry { let service: any AWSService; let version: String; let namespace: String?; let operations: [String: AWSOperation] }
    private struct QueryEntry { let service: any AWSService; let version: String; let xmlNamespace: String; let operations: [String: AWSOperation] }
    private struct RestEntry {
        let service: any AWSService
        let route: RestRoute
        let operation: AWSOperation
        /// Set for restXml services: the reply's namespace and list item names.
        let xml: (namespace: String, listMemberNames: [String: String])?
    }

    private let jsonByTarget: [String: JSONEntry]
    private let queryEntries: [QueryEntry]
    private let restEntries: [RestEntry]
    public let auth: AuthConfiguration
    public let limits: Limits
    private let verifier = SigV4Verifier()

    public init(services: [any AWSService], auth: AuthConfiguration = .init(), limits: Limits = .init()) {
        var json: [String: JSONEntry] = [:]
        var query: [QueryEntry] = []
        var rest: [RestEntry] = []
        for service in services {
            let byName = Dictionary(service.operations.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            for binding in service.bindings {
                switch binding {
                case .json(let version, let prefix, let namespace):
                    json[prefix] = JSONEntry(service: service, version: version, namespace: namespace, operations: byName)
                case .query(let version, let xmlNamespace):
                    query.append(QueryEntry(service: service, version: version, xmlNamespace: xmlNamespace, operations: byName))
                case .restJSON:
                    for op in service.operations { if let route = op.route { rest.append(RestEntry(service: service, route: route, operation: op, xml: nil)) } }
                case .restXML(let namespace, let names):
                    for op in service.operations {
                        if let route = op.route { rest.append(RestEntry(service: service, route: route, operation: op, xml: (namespace, names))) }
                    }
                }
            }
        }
        jsonByTarget = json
        queryEntries = query
        restEntries = rest.sorted { $0.route.path.specificity > $1.route.path.specificity }
        self.auth = auth
        self.limits = limits
    }

    /// The protocol family a request is written in, judged from its headers alone.
    public enum Family: Sendable, Equatable { case json, query, rest }

    public static func family(of request: AWSRequest) -> Family {
        if request.headers["x-amz-target"] != nil { return .json }
        let contentType = request.headers["content-type"]?.lowercased() ?? ""
        if contentType.hasPrefix("application/x-www-form-urlencoded") { return .query }
        if request.method == "GET", request.rawQuery.contains("Action=") { return .query }
        return .rest
    }

    public func route(_ request: AWSRequest) async -> Outcome {
        let requestID = RequestID.make()
        var outcome: Outcome
        switch Self.family(of: request) {
        case .json: outcome = await routeJSON(request, requestID: requestID)
        case .query: outcome = await routeQuery(request, requestID: requestID)
        case .rest: outcome = await routeRest(request, requestID: requestID)
        }
        outcome.response.headers.add("x-amzn-RequestId", requestID)
        outcome.response.headers.add("x-amz-request-id", requestID)
        return outcome
    }

    /// Identifies the caller and, in strict mode, checks the signature.
    private func authenticate(_ request: AWSRequest, requestID: String, jsonStyle: Bool) throws -> AWSRequestContext {
        var credential: SigV4Credential?
        do {
            if let header = request.headers["authorization"] {
                credential = try SigV4Credential.parse(authorization: header)
            } else {
                credential = try SigV4Credential.parse(query: request.queryItems)
            }
        } catch .notSigV4 {
            credential = nil
        } catch .malformed(let reason) {
            throw CommonError.incompleteSignature(reason)
        }
        if auth.verifySignatures {
            guard let credential else { throw CommonError.missingAuthenticationToken(jsonStyle: jsonStyle) }
            guard let key = auth.accessKeys[credential.accessKeyID] else { throw CommonError.unrecognizedClient(jsonStyle: jsonStyle) }
            guard verifier.isValid(request, credential: credential, secretKey: key.secretAccessKey) else {
                throw CommonError.signatureDoesNotMatch(jsonStyle: jsonStyle, detail: "")
            }
        }
        return AWSRequestContext(
            requestID: requestID,
            accountID: auth.accountID(forAccessKey: credential?.accessKeyID),
            region: credential?.region ?? auth.defaultRegion,
            accessKeyID: credential?.accessKeyID,
            request: request)
    }

    private func signingService(_ request: AWSRequest) -> String? {
        if let header = request.headers["authorization"], let c = try? SigV4Credential.parse(authorization: header) { return c.service }
        return try? SigV4Credential.parse(query: request.queryItems).service
    }

    // MARK: awsJson

    private func routeJSON(_ request: AWSRequest, requestID: String) async -> Outcome {
        let target = request.headers["x-amz-target"] ?? ""
        let version = request.headers["content-type"].flatMap { ct in ct.hasPrefix("application/x-amz-json-") ? String(ct.dropFirst(23).prefix(3)) : nil } ?? "1.0"
        guard let dot = target.lastIndex(of: "."), let entry = jsonByTarget[String(target[..<dot])] else {
            let error = CommonError.unknownService("mesh-sandbox does not emulate the service for X-Amz-Target '\(target)'. See docs/supported-operations.md.")
            return Outcome(response: JSONProtocol.encodeError(error, version: version, namespace: nil), service: nil,
                           operation: target, requestID: requestID, errorCode: error.code)
        }
        let name = String(target[target.index(after: dot)...])
        let service = entry.service.signingName
        func fail(_ error: any Error) -> Outcome {
            let awsError = Self.awsError(error)
            return Outcome(response: JSONProtocol.encodeError(awsError, version: entry.version, namespace: entry.namespace),
                           service: service, operation: name, requestID: requestID, errorCode: awsError.code)
        }
        do {
            let context = try authenticate(request, requestID: requestID, jsonStyle: true)
            guard let operation = entry.operations[name] else {
                throw CommonError.unknownOperation(service: service, operation: name)
            }
            let input = try JSONProtocol.decodeInput(request, limits: limits.json)
            let output = try await operation.handler(input, context)
            return Outcome(response: JSONProtocol.encodeOutput(output, version: entry.version), service: service,
                           operation: name, requestID: requestID)
        } catch {
            return fail(error)
        }
    }

    // MARK: awsQuery

    private func routeQuery(_ request: AWSRequest, requestID: String) async -> Outcome {
        let parameters = QueryProtocol.parameters(of: request)
        let action = parameters.first { $0.name == "Action" }?.value
        let version = parameters.first { $0.name == "Version" }?.value
        let scope = signingService(request)
        let entry = queryEntries.first { $0.service.signingName == scope }
            ?? queryEntries.first { $0.version == version && (scope == nil || $0.service.signingName == scope) }
        guard let entry else {
            let error = CommonError.unknownService(
                "mesh-sandbox does not emulate the query-protocol service '\(scope ?? "unknown")' (Action=\(action ?? "none"), Version=\(version ?? "none")). See docs/supported-operations.md.")
            return Outcome(response: QueryProtocol.encodeError(error, xmlNamespace: "https://mesh-sandbox.local/doc/", requestID: requestID),
                           service: scope, operation: action, requestID: requestID, errorCode: error.code)
        }
        let service = entry.service.signingName
        do {
            let context = try authenticate(request, requestID: requestID, jsonStyle: false)
            guard let action else { throw CommonError.missingAction }
            guard let operation = entry.operations[action] else {
                throw CommonError.invalidAction(action: action, version: version)
            }
            let input = try QueryProtocol.decodeInput(parameters, headers: request.headers)
            let output = try await operation.handler(input, context)
            return Outcome(response: QueryProtocol.encodeOutput(output, operation: action, xmlNamespace: entry.xmlNamespace, requestID: requestID),
                           service: service, operation: action, requestID: requestID)
        } catch {
            let awsError = Self.awsError(error)
            return Outcome(response: QueryProtocol.encodeError(awsError, xmlNamespace: entry.xmlNamespace, requestID: requestID),
                           service: service, operation: action, requestID: requestID, errorCode: awsError.code)
        }
    }

    // MARK: restJson

    private func routeRest(_ request: AWSRequest, requestID: String) async -> Outcome {
        let scope = signingService(request)
        var matched: (RestEntry, [String: String])?
        var pathKnown = false
        for entry in restEntries where scope == nil || entry.service.signingName == scope {
            guard let labels = entry.route.path.match(request.rawPath) else { continue }
            pathKnown = true
            if entry.route.method == request.method {
                matched = (entry, labels)
                break
            }
        }
        guard let (entry, labels) = matched else {
            let error: CommonError
            if pathKnown {
                error = .unknownOperation(service: scope ?? "restJson", operation: "\(request.method) \(request.path)")
            } else if let scope, restEntries.contains(where: { $0.service.signingName == scope }) {
                error = .notFound("No \(scope) operation matches \(request.method) \(request.path)")
            } else {
                error = .unknownService(
                    "mesh-sandbox does not emulate \(scope.map { "the service '\($0)' at " } ?? "")\(request.method) \(request.path). See docs/supported-operations.md.")
            }
            return Outcome(response: RestJSONProtocol.encodeError(error), service: scope, operation: nil,
                           requestID: requestID, errorCode: error.code)
        }
        let service = entry.service.signingName
        do {
            let context = try authenticate(request, requestID: requestID, jsonStyle: true)
            let input = try RestJSONProtocol.decodeInput(request, labels: labels, limits: limits.json)
            let output = try await entry.operation.handler(input, context)
            let response = entry.xml.map { xml in
                RestXMLProtocol.encodeOutput(output, operation: entry.operation.name, xmlNamespace: xml.namespace,
                                             listMemberNames: xml.listMemberNames, status: entry.route.successStatus)
            } ?? RestJSONProtocol.encodeOutput(output, status: entry.route.successStatus)
            return Outcome(response: response, service: service, operation: entry.operation.name, requestID: requestID)
        } catch {
            let awsError = Self.awsError(error)
            let response = entry.xml.map { RestXMLProtocol.encodeError(awsError, xmlNamespace: $0.namespace, requestID: requestID) }
                ?? RestJSONProtocol.encodeError(awsError)
            return Outcome(response: response, service: service, operation: entry.operation.name, requestID: requestID, errorCode: awsError.code)
        }
    }

    /// Any error that is not an ``AWSError`` is a bug in the sandbox: report it as AWS reports its own faults.
    static func awsError(_ error: any Error) -> any AWSError {
        (error as? any AWSError) ?? CommonError.internalFailure("mesh-sandbox internal error: \(error)")
    }
}

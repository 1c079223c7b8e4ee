import AWSCore
import Foundation

extension AppSyncBackend {
    static let authenticationTypes: Set<String> = ["API_KEY", "AWS_IAM", "AMAZON_COGNITO_USER_POOLS", "OPENID_CONNECT", "AWS_LAMBDA"]

    /// The HTTPS URL of an API's GraphQL endpoint on this sandbox.
    public func graphqlURL(apiId: String) -> String { "\(endpoint.baseURL(secure: true))/apis/\(apiId)/graphql" }

    /// The WSS URL of an API's real-time endpoint on this sandbox.
    public func realtimeURL(apiId: String) -> String {
        "wss://\(endpoint.host):\(endpoint.boundPort)/apis/\(apiId)/graphql/realtime"
    }

    /// `CreateGraphqlApi`: returns the `graphqlApi` structure.
    public func createGraphqlApi(_ input: JSONObject, scope: AppSyncScope) throws -> JSONObject {
        guard let name = input["name"]?.stringValue else { throw AppSyncError.missing("name") }
        try Self.validateAPIName(name)
        let auth = input["authenticationType"]?.stringValue ?? "API_KEY"
        guard Self.authenticationTypes.contains(auth) else {
            throw AppSyncError.badRequest("Invalid authenticationType \(auth).")
        }
        let apiId = Self.randomID(26)
        var doc = JSONObject()
        doc["name"] = .string(name)
        doc["apiId"] = .string(apiId)
        doc["authenticationType"] = .string(auth)
        Self.copyConfig(from: input, into: &doc)
        doc["arn"] = .string(ARN(service: "appsync", region: scope.region, accountID: scope.accountID, resource: "apis/\(apiId)").description)
        doc["tags"] = .object(input["tags"]?.objectValue ?? [:])
        doc["xrayEnabled"] = .bool(input["xrayEnabled"]?.boolValue ?? false)
        doc["visibility"] = .string(input["visibility"]?.stringValue ?? "GLOBAL")
        doc["apiType"] = .string(input["apiType"]?.stringValue ?? "GRAPHQL")
        doc["owner"] = .string(scope.accountID)
        doc["introspectionConfig"] = .string(input["introspectionConfig"]?.stringValue ?? "ENABLED")
        doc["queryDepthLimit"] = input["queryDepthLimit"] ?? 0
        doc["resolverCountLimit"] = input["resolverCountLimit"] ?? 0
        if let env = input["environmentVariables"]?.objectValue { doc["_environmentVariables"] = .object(env) }
        try store.put(.api, scope: "", name: apiId, doc)
        return render(api: doc)
    }

    /// `GetGraphqlApi`.
    public func getGraphqlApi(apiId: String) throws -> JSONObject { render(api: try requireAPI(apiId)) }

    /// `ListGraphqlApis`: the APIs of `scope`, in creation order.
    public func listGraphqlApis(scope: AppSyncScope) throws -> [JSONObject] {
        try store.listAll(.api).map(\.doc).filter { doc in
            guard let arn = doc["arn"]?.stringValue.flatMap(ARN.init) else { return false }
            return arn.accountID == scope.accountID && arn.region == scope.region
        }.map(render(api:))
    }

    /// `UpdateGraphqlApi`: replaces the members given.
    public func updateGraphqlApi(apiId: String, _ input: JSONObject) throws -> JSONObject {
        var doc = try requireAPI(apiId)
        if let name = input["name"]?.stringValue {
            try Self.validateAPIName(name)
            doc["name"] = .string(name)
        }
        if let auth = input["authenticationType"]?.stringValue {
            guard Self.authenticationTypes.contains(auth) else { throw AppSyncError.badRequest("Invalid authenticationType \(auth).") }
            doc["authenticationType"] = .string(auth)
        }
        Self.copyConfig(from: input, into: &doc)
        for key in ["xrayEnabled", "introspectionConfig", "queryDepthLimit", "resolverCountLimit"] {
            if let v = input[key], !v.isNull { doc[key] = v }
        }
        try store.put(.api, scope: "", name: apiId, doc)
        invalidate(apiId)
        return render(api: doc)
    }

    /// `DeleteGraphqlApi`: the API, its schema, keys, data sources, resolvers and functions, and its domain associations.
    public func deleteGraphqlApi(apiId: String) async throws {
        _ = try requireAPI(apiId)
        for association in try store.listAll(.association) where association.doc["apiId"]?.stringValue == apiId {
            try store.delete(.association, scope: association.scope, name: association.doc["domainName"]?.stringValue ?? "")
        }
        try store.deleteAPI(apiId)
        invalidate(apiId)
        invalidateKeys()
        await hub.removeAPI(apiId)
    }

    /// `PutGraphqlApiEnvironmentVariables`.
    public func putEnvironmentVariables(apiId: String, _ variables: JSONObject) throws -> JSONObject {
        var doc = try requireAPI(apiId)
        doc["_environmentVariables"] = .object(variables)
        try store.put(.api, scope: "", name: apiId, doc)
        invalidate(apiId)
        return variables
    }

    /// `GetGraphqlApiEnvironmentVariables`.
    public func environmentVariables(apiId: String) throws -> JSONObject {
        try requireAPI(apiId)["_environmentVariables"]?.objectValue ?? [:]
    }

    /// The `graphqlApi` structure as AppSync returns it; `uris` follow the port this sandbox is bound to.
    func render(api doc: JSONObject) -> JSONObject {
        var out = Self.publicView(doc)
        let apiId = doc["apiId"]?.stringValue ?? ""
        out["uris"] = ["GRAPHQL": .string(graphqlURL(apiId: apiId)), "REALTIME": .string(realtimeURL(apiId: apiId))]
        out["dns"] = ["GRAPHQL": .string("\(endpoint.host):\(endpoint.boundPort)"), "REALTIME": .string("\(endpoint.host):\(endpoint.boundPort)")]
        return out
    }

    private static func copyConfig(from input: JSONObject, into doc: inout JSONObject) {
        for key in ["logConfig", "userPoolConfig", "openIDConnectConfig", "additionalAuthenticationProviders",
                    "lambdaAuthorizerConfig", "ownerContact", "enhancedMetricsConfig", "mergedApiExecutionRoleArn"] {
            if let v = input[key], !v.isNull { doc[key] = v }
        }
    }

    private static func validateAPIName(_ name: String) throws {
        let ok = !name.isEmpty && name.count <= 65 && name.first.map { $0 == "_" || $0.isLetter } == true
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == " ") }
        guard ok else { throw AppSyncError.badRequest("Invalid API name: \(name). Name must match [_A-Za-z][_0-9A-Za-z -]*.") }
    }
}

import AWSCore
import Foundation

/// What an API looks like to a resolver implementation: its identity, data sources and functions.
public struct AppSyncAPIInfo: Sendable {
    public var apiId: String
    public var name: String
    public var arn: String {
        didSet { (accountID, region) = Self.scope(of: arn) }
    }
    /// The account and region of `arn`, parsed once (resolvers and metering need them per request).
    public private(set) var accountID: String
    public private(set) var region: String
    /// `PutGraphqlApiEnvironmentVariables` values (`ctx.env` in APPSYNC_JS).
    public var environmentVariables: JSONObject
    public var dataSources: [String: DataSourceRecord]
    /// Pipeline functions by `functionId`.
    public var functions: [String: FunctionRecord]

    public init(apiId: String, name: String, arn: String, environmentVariables: JSONObject = [:],
                dataSources: [String: DataSourceRecord] = [:], functions: [String: FunctionRecord] = [:]) {
        self.apiId = apiId
        self.name = name
        self.arn = arn
        (accountID, region) = Self.scope(of: arn)
        self.environmentVariables = environmentVariables
        self.dataSources = dataSources
        self.functions = functions
    }

    private static func scope(of arn: String) -> (accountID: String, region: String) {
        ARN(arn).map { ($0.accountID, $0.region) } ?? ("", "")
    }
}

/// Supplies native (Swift) implementations for an API's resolver records.
///
/// AppSync resolvers are records (unit or pipeline; VTL or APPSYNC_JS code; DynamoDB, Lambda or
/// NONE data sources) created through the control plane or CloudFormation. The sandbox does not
/// interpret their code: a provider recognises the records it knows (by API name, field, data
/// source, code…) and returns an implementation. Providers are asked in registration order, newest
/// first (``AppSyncBackend/register(_:)``); the first non-nil answer wins.
public protocol AppSyncResolverProvider: Sendable {
    /// The implementation of `resolver` on `api`, or nil when this provider does not know it.
    func implementation(for resolver: ResolverRecord, api: AppSyncAPIInfo) -> (any FieldResolverImplementation)?
}

/// The Swift code behind one resolver: it receives the field's context and returns its value.
public protocol FieldResolverImplementation: Sendable {
    /// The field's value as JSON (objects are read by field name, lists item by item).
    /// Throw ``AppSyncResolverError`` for an AppSync-shaped error (`util.error(message, type)`).
    func resolve(_ request: ResolverRequest) async throws -> JSONValue
}

/// Everything AppSync's `ctx` offers a resolver.
public struct ResolverRequest: Sendable {
    public var api: AppSyncAPIInfo
    public var resolver: ResolverRecord
    /// `ctx.info.parentTypeName` / `fieldName`.
    public var typeName: String
    public var fieldName: String
    /// `ctx.arguments`, coerced to the schema's types (variables applied).
    public var arguments: JSONObject
    /// `ctx.source`: the parent object (null for root fields).
    public var source: JSONValue
    /// `ctx.info.selectionSetList`: selected field names, nested ones as `parent/child`.
    public var selectionSetList: [String]
    /// `ctx.info.variables`.
    public var variables: JSONObject
    /// `ctx.request.headers` (names lowercased).
    public var headers: [String: String]
    /// `ctx.identity.sourceIp[0]`: the first `X-Forwarded-For` entry, else the TCP peer.
    public var sourceIP: String?
    /// The API key the call was authorised with.
    public var apiKey: String?

    public init(api: AppSyncAPIInfo, resolver: ResolverRecord, typeName: String, fieldName: String, arguments: JSONObject,
                source: JSONValue = .null, selectionSetList: [String] = [], variables: JSONObject = [:],
                headers: [String: String] = [:], sourceIP: String? = nil, apiKey: String? = nil) {
        self.api = api
        self.resolver = resolver
        self.typeName = typeName
        self.fieldName = fieldName
        self.arguments = arguments
        self.source = source
        self.selectionSetList = selectionSetList
        self.variables = variables
        self.headers = headers
        self.sourceIP = sourceIP
        self.apiKey = apiKey
    }
}

/// A resolver error in AppSync's shape: `errorType`, `message`, and optionally `data`/`errorInfo`
/// (APPSYNC_JS `util.error(message, errorType, data, errorInfo)`).
public struct AppSyncResolverError: Error, Sendable, Equatable, CustomStringConvertible {
    public var type: String
    public var message: String
    public var data: JSONValue
    public var errorInfo: JSONValue

    public init(type: String, message: String, data: JSONValue = .null, errorInfo: JSONValue = .null) {
        self.type = type
        self.message = message
        self.data = data
        self.errorInfo = errorInfo
    }

    /// The library takes an error's message from `description`.
    public var description: String { message }

    /// A resolver record with no Swift implementation in this sandbox.
    static func notImplemented(_ resolver: ResolverRecord, api: AppSyncAPIInfo) -> AppSyncResolverError {
        let source = resolver.kind == .pipeline
            ? "pipeline of \(resolver.functions.count) function(s)"
            : "data source \(resolver.dataSourceName ?? "none")"
        return AppSyncResolverError(
            type: "NotImplemented",
            message: "mesh-sandbox has no native implementation for resolver \(resolver.typeName).\(resolver.fieldName) (\(source)) of API \(api.name). Register an AppSyncResolverProvider for it.")
    }
}

/// The built-in implementation for unit resolvers on `NONE` data sources: a local resolver that
/// returns the field's arguments (what `{"payload": $util.toJson($ctx.args)}` or `return ctx.args` does).
public struct NoneDataSourceResolverProvider: AppSyncResolverProvider {
    public init() {}

    public func implementation(for resolver: ResolverRecord, api: AppSyncAPIInfo) -> (any FieldResolverImplementation)? {
        guard resolver.kind == .unit, let name = resolver.dataSourceName, api.dataSources[name]?.type == "NONE" else { return nil }
        return ReturnArguments()
    }

    struct ReturnArguments: FieldResolverImplementation {
        func resolve(_ request: ResolverRequest) async throws -> JSONValue { .object(request.arguments) }
    }
}

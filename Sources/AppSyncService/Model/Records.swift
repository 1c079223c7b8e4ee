import AWSCore
import Foundation

/// A resolver as the control plane stores it: which field it binds, and to what.
///
/// The full AWS document is kept in ``document`` (templates, code, caching and sync config), so
/// an implementation can read any member it needs.
public struct ResolverRecord: Sendable, Hashable {
    public enum Kind: String, Sendable { case unit = "UNIT", pipeline = "PIPELINE" }

    public var typeName: String
    public var fieldName: String
    public var kind: Kind
    /// The data source of a unit resolver.
    public var dataSourceName: String?
    /// Function ids of a pipeline resolver, in order.
    public var functions: [String]
    /// `APPSYNC_JS` for JavaScript resolvers, nil for VTL.
    public var runtimeName: String?
    public var code: String?
    public var requestMappingTemplate: String?
    public var responseMappingTemplate: String?
    public var document: JSONObject

    public init(document: JSONObject) {
        self.document = document
        typeName = document["typeName"]?.stringValue ?? ""
        fieldName = document["fieldName"]?.stringValue ?? ""
        kind = document["kind"]?.stringValue.flatMap(Kind.init(rawValue:)) ?? .unit
        dataSourceName = document["dataSourceName"]?.stringValue
        functions = document["pipelineConfig"]?["functions"]?.arrayValue?.compactMap(\.stringValue) ?? []
        runtimeName = document["runtime"]?["name"]?.stringValue
        code = document["code"]?.stringValue
        requestMappingTemplate = document["requestMappingTemplate"]?.stringValue
        responseMappingTemplate = document["responseMappingTemplate"]?.stringValue
    }
}

/// A data source: its type (`AMAZON_DYNAMODB`, `AWS_LAMBDA`, `NONE`, …) and configuration.
public struct DataSourceRecord: Sendable, Hashable {
    public var name: String
    public var type: String
    public var document: JSONObject

    public init(document: JSONObject) {
        self.document = document
        name = document["name"]?.stringValue ?? ""
        type = document["type"]?.stringValue ?? "NONE"
    }

    /// The DynamoDB table of an `AMAZON_DYNAMODB` data source.
    public var dynamoDBTableName: String? { document["dynamodbConfig"]?["tableName"]?.stringValue }
    /// The function of an `AWS_LAMBDA` data source.
    public var lambdaFunctionArn: String? { document["lambdaConfig"]?["lambdaFunctionArn"]?.stringValue }
}

/// A pipeline function (`functionConfiguration`).
public struct FunctionRecord: Sendable, Hashable {
    public var functionId: String
    public var name: String
    public var dataSourceName: String?
    public var runtimeName: String?
    public var code: String?
    public var document: JSONObject

    public init(document: JSONObject) {
        self.document = document
        functionId = document["functionId"]?.stringValue ?? ""
        name = document["name"]?.stringValue ?? ""
        dataSourceName = document["dataSourceName"]?.stringValue
        runtimeName = document["runtime"]?["name"]?.stringValue
        code = document["code"]?.stringValue
    }
}

/// An API key: `da2-…` id and its expiry (epoch seconds, as AppSync reports it).
public struct ApiKeyRecord: Sendable, Hashable {
    public var id: String
    public var apiId: String
    public var expires: Int64
    public var deletes: Int64

    public func isValid(at now: Date) -> Bool { Int64(now.timeIntervalSince1970) < expires }
}

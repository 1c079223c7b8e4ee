import AWSCore
import Foundation

/// The `AWS::AppSync::…` types as real objects in this AppSync: CloudFormation's properties are
/// turned into the control plane's inputs (`Name` → `name`, `DynamoDBConfig` → `dynamodbConfig`…),
/// and `Fn::GetAtt` reads what AppSync returns (`GraphQLUrl`, `ApiKey`, `FunctionId`…).
public struct AppSyncResourceProvider: CloudFormationResourceProvider {
    let backend: AppSyncBackend

    public init(backend: AppSyncBackend) { self.backend = backend }

    public var resourceTypes: [String] {
        ["AWS::AppSync::GraphQLApi", "AWS::AppSync::GraphQLSchema", "AWS::AppSync::ApiKey", "AWS::AppSync::DataSource",
         "AWS::AppSync::FunctionConfiguration", "AWS::AppSync::Resolver", "AWS::AppSync::DomainName",
         "AWS::AppSync::DomainNameApiAssociation"]
    }

    public func create(_ request: ResourceRequest) async throws -> ResourceResult {
        try await apply(request, physicalID: nil)
    }

    public func requiresReplacement(_ request: ResourceRequest) -> Bool {
        let old = request.previousProperties ?? [:]
        let immutable: [String] = switch request.resourceType {
        case "AWS::AppSync::GraphQLApi": []
        case "AWS::AppSync::Resolver": ["ApiId", "TypeName", "FieldName"]
        case "AWS::AppSync::DataSource": ["ApiId", "Name"]
        case "AWS::AppSync::DomainName": ["DomainName", "CertificateArn"]
        case "AWS::AppSync::DomainNameApiAssociation": ["DomainName"]
        default: ["ApiId"]
        }
        return immutable.contains { request.properties[$0] != old[$0] }
    }

    public func update(_ request: ResourceRequest) async throws -> ResourceResult {
        try await apply(request, physicalID: request.physicalID)
    }

    public func delete(_ request: ResourceRequest) async throws {
        let p = request.properties, a = request.previousAttributes ?? [:]
        do {
            switch request.resourceType {
            case "AWS::AppSync::GraphQLApi":
                if let apiId = a["ApiId"]?.stringValue { try await backend.deleteGraphqlApi(apiId: apiId) }
            case "AWS::AppSync::ApiKey":
                if let apiId = p["ApiId"]?.stringValue, let id = a["ApiKey"]?.stringValue { try backend.deleteApiKey(apiId: apiId, id: id) }
            case "AWS::AppSync::DataSource":
                if let apiId = p["ApiId"]?.stringValue, let name = p["Name"]?.stringValue { try backend.deleteDataSource(apiId: apiId, name: name) }
            case "AWS::AppSync::FunctionConfiguration":
                if let apiId = p["ApiId"]?.stringValue, let id = a["FunctionId"]?.stringValue { try backend.deleteFunction(apiId: apiId, functionId: id) }
            case "AWS::AppSync::Resolver":
                if let apiId = p["ApiId"]?.stringValue, let type = p["TypeName"]?.stringValue, let field = p["FieldName"]?.stringValue {
                    try backend.deleteResolver(apiId: apiId, typeName: type, fieldName: field)
                }
            case "AWS::AppSync::DomainName":
                if let name = p["DomainName"]?.stringValue { try backend.deleteDomainName(name) }
            case "AWS::AppSync::DomainNameApiAssociation":
                if let name = p["DomainName"]?.stringValue { try backend.disassociateApi(domainName: name) }
            default:
                break  // a schema goes with its API
            }
        } catch let error as AppSyncError where error.code == "NotFoundException" {
            // Already gone (its API was deleted first): nothing left to delete.
        }
    }

    private func apply(_ request: ResourceRequest, physicalID: String?) async throws -> ResourceResult {
        let p = request.properties, a = request.previousAttributes ?? [:]
        let scope = AppSyncScope(accountID: request.accountID, region: request.region)
        func required(_ key: String) throws -> String {
            guard let value = p[key]?.stringValue else { throw AppSyncError.badRequest("Property \(key) cannot be empty.") }
            return value
        }
        switch request.resourceType {
        case "AWS::AppSync::GraphQLApi":
            var input = Self.apiInput(p)
            input["tags"] = .object(request.mergedTagMap)
            let api: JSONObject
            if let apiId = a["ApiId"]?.stringValue, physicalID != nil {
                api = try backend.updateGraphqlApi(apiId: apiId, input)
                _ = try backend.putEnvironmentVariables(apiId: apiId, input["environmentVariables"]?.objectValue ?? [:])
                try backend.tagResource(arn: api["arn"]?.stringValue ?? "", tags: input["tags"]?.objectValue ?? [:])
            } else {
                api = try backend.createGraphqlApi(input, scope: scope)
            }
            let apiId = api["apiId"]?.stringValue ?? ""
            let graphql = backend.graphqlURL(apiId: apiId), realtime = backend.realtimeURL(apiId: apiId)
            return ResourceResult(physicalID: api["arn"]?.stringValue ?? apiId, attributes: [
                "ApiId": .string(apiId), "Arn": api["arn"] ?? "", "GraphQLUrl": .string(graphql), "RealtimeUrl": .string(realtime),
                "GraphQLDns": .string(Self.host(graphql)), "RealtimeDns": .string(Self.host(realtime)), "GraphQLEndpointArn": api["arn"] ?? "",
            ])
        case "AWS::AppSync::GraphQLSchema":
            let apiId = try required("ApiId")
            guard let definition = p["Definition"]?.stringValue else {
                throw AppSyncError.badRequest("DefinitionS3Location is not supported by mesh-sandbox (it has no S3); give the schema as Definition.")
            }
            _ = try backend.startSchemaCreation(apiId: apiId, definition: definition)
            let status = try backend.schemaCreationStatus(apiId: apiId)
            guard status["status"]?.stringValue == "SUCCESS" || status["status"]?.stringValue == "ACTIVE" else {
                throw AppSyncError.badRequest("Schema Creation Status is FAILED with details: \(status["details"]?.stringValue ?? "")")
            }
            return ResourceResult(physicalID: "\(apiId)GraphQLSchema")
        case "AWS::AppSync::ApiKey":
            let apiId = try required("ApiId")
            var input = JSONObject()
            input.set("description", p["Description"])
            input.set("expires", p["Expires"])
            let key: JSONObject
            if let id = a["ApiKey"]?.stringValue, physicalID != nil {
                key = try backend.updateApiKey(apiId: apiId, id: id, input)
            } else {
                key = try backend.createApiKey(apiId: apiId, input)
            }
            let id = key["id"]?.stringValue ?? ""
            let arn = "arn:aws:appsync:\(request.region):\(request.accountID):apis/\(apiId)/apikeys/\(id)"
            return ResourceResult(physicalID: arn, attributes: ["ApiKey": .string(id), "ApiKeyId": .string(id), "Arn": .string(arn)])
        case "AWS::AppSync::DataSource":
            let apiId = try required("ApiId"), name = try required("Name")
            let input = Self.camelCased(p, dropping: ["ApiId"])
            let source = physicalID == nil ? try backend.createDataSource(apiId: apiId, input) : try backend.updateDataSource(apiId: apiId, name: name, input)
            let arn = source["dataSourceArn"]?.stringValue ?? ""
            return ResourceResult(physicalID: arn, attributes: ["DataSourceArn": .string(arn), "Name": .string(name)])
        case "AWS::AppSync::FunctionConfiguration":
            let apiId = try required("ApiId")
            let input = Self.camelCased(p, dropping: ["ApiId", "CodeS3Location", "RequestMappingTemplateS3Location", "ResponseMappingTemplateS3Location"])
            let function: JSONObject
            if let id = a["FunctionId"]?.stringValue, physicalID != nil {
                function = try backend.updateFunction(apiId: apiId, functionId: id, input)
            } else {
                function = try backend.createFunction(apiId: apiId, input)
            }
            let arn = function["functionArn"]?.stringValue ?? ""
            return ResourceResult(physicalID: arn, attributes: [
                "FunctionArn": .string(arn), "FunctionId": function["functionId"] ?? "", "Name": function["name"] ?? "",
                "DataSourceName": function["dataSourceName"] ?? "",
            ])
        case "AWS::AppSync::Resolver":
            let apiId = try required("ApiId"), typeName = try required("TypeName"), fieldName = try required("FieldName")
            let input = Self.camelCased(p, dropping: ["ApiId", "TypeName", "CodeS3Location", "RequestMappingTemplateS3Location", "ResponseMappingTemplateS3Location"])
            let resolver = physicalID == nil
                ? try backend.createResolver(apiId: apiId, typeName: typeName, input)
                : try backend.updateResolver(apiId: apiId, typeName: typeName, fieldName: fieldName, input)
            let arn = resolver["resolverArn"]?.stringValue ?? ""
            return ResourceResult(physicalID: arn, attributes: ["ResolverArn": .string(arn), "TypeName": .string(typeName), "FieldName": .string(fieldName)])
        case "AWS::AppSync::DomainName":
            let name = try required("DomainName")
            var input = Self.camelCased(p, dropping: ["Tags"])
            input["tags"] = .object(request.mergedTagMap)
            let domain = physicalID == nil ? try backend.createDomainName(input, scope: scope) : try backend.getDomainName(name)
            return ResourceResult(physicalID: name, attributes: [
                "DomainName": .string(name), "AppSyncDomainName": domain["appsyncDomainName"] ?? "", "HostedZoneId": domain["hostedZoneId"] ?? "",
                "DomainNameArn": domain["domainNameArn"] ?? "",
            ])
        case "AWS::AppSync::DomainNameApiAssociation":
            let name = try required("DomainName"), apiId = try required("ApiId")
            _ = try backend.associateApi(domainName: name, apiId: apiId)
            return ResourceResult(physicalID: "\(name)/\(apiId)", attributes: ["ApiAssociationIdentifier": .string("\(name)/\(apiId)")])
        default:
            throw AppSyncError.badRequest("Unsupported resource type \(request.resourceType)")
        }
    }

    /// `GraphQLApi` properties as `CreateGraphqlApi` input.
    static func apiInput(_ p: JSONObject) -> JSONObject {
        var input = camelCased(p, dropping: ["Tags", "EnvironmentVariables"])
        input.set("environmentVariables", p["EnvironmentVariables"])
        return input
    }

    /// CloudFormation's PascalCase members as the API's camelCase (`DynamoDBConfig` → `dynamodbConfig`).
    static func camelCased(_ object: JSONObject, dropping: Set<String> = []) -> JSONObject {
        var out = JSONObject()
        for (key, value) in object where !dropping.contains(key) {
            out[camelCase(key)] = convert(value)
        }
        return out
    }

    static func convert(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o): .object(camelCased(o))
        case .array(let a): .array(a.map(convert))
        default: value
        }
    }

    static func camelCase(_ key: String) -> String {
        let special = ["DynamoDBConfig": "dynamodbConfig", "OpenSearchServiceConfig": "openSearchServiceConfig",
                       "RelationalDatabaseConfig": "relationalDatabaseConfig", "AwsRegion": "awsRegion", "AWSRegion": "awsRegion"]
        if let mapped = special[key] { return mapped }
        guard let first = key.first else { return key }
        return first.lowercased() + key.dropFirst()
    }

    static func host(_ url: String) -> String {
        URLComponents(string: url).map { "\($0.host ?? ""):\($0.port.map(String.init) ?? "")" } ?? url
    }
}

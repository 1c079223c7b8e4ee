import AWSCore
import Foundation

/// The AppSync control plane (`aws appsync …`): restJson, signing name `appsync`.
///
/// Each operation reads its members and calls the ``AppSyncBackend`` function of the same name;
/// this file is the only place operation names and routes are written.
public struct AppSyncService: AWSService {
    public let signingName = "appsync"
    public let bindings: [ProtocolBinding] = [.restJSON]
    let backend: AppSyncBackend

    public init(backend: AppSyncBackend) { self.backend = backend }

    public var operations: [AWSOperation] {
        let b = backend
        return [
            // GraphQL APIs
            AWSOperation("CreateGraphqlApi", route: RestRoute("POST", "/v1/apis")) { input, context in
                ["graphqlApi": .object(try b.createGraphqlApi(input.members, scope: AppSyncScope(context)))]
            },
            AWSOperation("ListGraphqlApis", route: RestRoute("GET", "/v1/apis")) { input, context in
                try Self.page("graphqlApis", try b.listGraphqlApis(scope: AppSyncScope(context)), input)
            },
            AWSOperation("GetGraphqlApi", route: RestRoute("GET", "/v1/apis/{apiId}")) { input, _ in
                ["graphqlApi": .object(try b.getGraphqlApi(apiId: try input.requiredString("apiId")))]
            },
            AWSOperation("UpdateGraphqlApi", route: RestRoute("POST", "/v1/apis/{apiId}")) { input, _ in
                ["graphqlApi": .object(try b.updateGraphqlApi(apiId: try input.requiredString("apiId"), input.members))]
            },
            AWSOperation("DeleteGraphqlApi", route: RestRoute("DELETE", "/v1/apis/{apiId}")) { input, _ in
                try await b.deleteGraphqlApi(apiId: try input.requiredString("apiId"))
                return [:]
            },
            AWSOperation("PutGraphqlApiEnvironmentVariables", route: RestRoute("PUT", "/v1/apis/{apiId}/environmentVariables")) { input, _ in
                ["environmentVariables": .object(try b.putEnvironmentVariables(apiId: try input.requiredString("apiId"),
                                                                               try input.object("environmentVariables") ?? [:]))]
            },
            AWSOperation("GetGraphqlApiEnvironmentVariables", route: RestRoute("GET", "/v1/apis/{apiId}/environmentVariables")) { input, _ in
                ["environmentVariables": .object(try b.environmentVariables(apiId: try input.requiredString("apiId")))]
            },
            // Schema
            AWSOperation("StartSchemaCreation", route: RestRoute("POST", "/v1/apis/{apiId}/schemacreation")) { input, _ in
                .object(try b.startSchemaCreation(apiId: try input.requiredString("apiId"), definition: try Self.blob(input, "definition")))
            },
            AWSOperation("GetSchemaCreationStatus", route: RestRoute("GET", "/v1/apis/{apiId}/schemacreation")) { input, _ in
                .object(try b.schemaCreationStatus(apiId: try input.requiredString("apiId")))
            },
            // API keys
            AWSOperation("CreateApiKey", route: RestRoute("POST", "/v1/apis/{apiId}/apikeys")) { input, _ in
                ["apiKey": .object(try b.createApiKey(apiId: try input.requiredString("apiId"), input.members))]
            },
            AWSOperation("ListApiKeys", route: RestRoute("GET", "/v1/apis/{apiId}/apikeys")) { input, _ in
                try Self.page("apiKeys", try b.listApiKeys(apiId: try input.requiredString("apiId")), input)
            },
            AWSOperation("UpdateApiKey", route: RestRoute("POST", "/v1/apis/{apiId}/apikeys/{id}")) { input, _ in
                ["apiKey": .object(try b.updateApiKey(apiId: try input.requiredString("apiId"), id: try input.requiredString("id"), input.members))]
            },
            AWSOperation("DeleteApiKey", route: RestRoute("DELETE", "/v1/apis/{apiId}/apikeys/{id}")) { input, _ in
                try b.deleteApiKey(apiId: try input.requiredString("apiId"), id: try input.requiredString("id"))
                return [:]
            },
            // Data sources
            AWSOperation("CreateDataSource", route: RestRoute("POST", "/v1/apis/{apiId}/datasources")) { input, _ in
                ["dataSource": .object(try b.createDataSource(apiId: try input.requiredString("apiId"), input.members))]
            },
            AWSOperation("ListDataSources", route: RestRoute("GET", "/v1/apis/{apiId}/datasources")) { input, _ in
                try Self.page("dataSources", try b.listDataSources(apiId: try input.requiredString("apiId")), input)
            },
            AWSOperation("GetDataSource", route: RestRoute("GET", "/v1/apis/{apiId}/datasources/{name}")) { input, _ in
                ["dataSource": .object(try b.getDataSource(apiId: try input.requiredString("apiId"), name: try input.requiredString("name")))]
            },
            AWSOperation("UpdateDataSource", route: RestRoute("POST", "/v1/apis/{apiId}/datasources/{name}")) { input, _ in
                ["dataSource": .object(try b.updateDataSource(apiId: try input.requiredString("apiId"), name: try input.requiredString("name"), input.members))]
            },
            AWSOperation("DeleteDataSource", route: RestRoute("DELETE", "/v1/apis/{apiId}/datasources/{name}")) { input, _ in
                try b.deleteDataSource(apiId: try input.requiredString("apiId"), name: try input.requiredString("name"))
                return [:]
            },
            // Resolvers
            AWSOperation("CreateResolver", route: RestRoute("POST", "/v1/apis/{apiId}/types/{typeName}/resolvers")) { input, _ in
                ["resolver": .object(try b.createResolver(apiId: try input.requiredString("apiId"), typeName: try input.requiredString("typeName"), input.members))]
            },
            AWSOperation("ListResolvers", route: RestRoute("GET", "/v1/apis/{apiId}/types/{typeName}/resolvers")) { input, _ in
                try Self.page("resolvers", try b.listResolvers(apiId: try input.requiredString("apiId"), typeName: try input.requiredString("typeName")), input)
            },
            AWSOperation("GetResolver", route: RestRoute("GET", "/v1/apis/{apiId}/types/{typeName}/resolvers/{fieldName}")) { input, _ in
                ["resolver": .object(try b.getResolver(apiId: try input.requiredString("apiId"), typeName: try input.requiredString("typeName"),
                                                       fieldName: try input.requiredString("fieldName")))]
            },
            AWSOperation("UpdateResolver", route: RestRoute("POST", "/v1/apis/{apiId}/types/{typeName}/resolvers/{fieldName}")) { input, _ in
                ["resolver": .object(try b.updateResolver(apiId: try input.requiredString("apiId"), typeName: try input.requiredString("typeName"),
                                                          fieldName: try input.requiredString("fieldName"), input.members))]
            },
            AWSOperation("DeleteResolver", route: RestRoute("DELETE", "/v1/apis/{apiId}/types/{typeName}/resolvers/{fieldName}")) { input, _ in
                try b.deleteResolver(apiId: try input.requiredString("apiId"), typeName: try input.requiredString("typeName"),
                                     fieldName: try input.requiredString("fieldName"))
                return [:]
            },
            AWSOperation("ListResolversByFunction", route: RestRoute("GET", "/v1/apis/{apiId}/functions/{functionId}/resolvers")) { input, _ in
                try Self.page("resolvers", try b.listResolvers(apiId: try input.requiredString("apiId"), functionId: try input.requiredString("functionId")), input)
            },
            // Functions
            AWSOperation("CreateFunction", route: RestRoute("POST", "/v1/apis/{apiId}/functions")) { input, _ in
                ["functionConfiguration": .object(try b.createFunction(apiId: try input.requiredString("apiId"), input.members))]
            },
            AWSOperation("ListFunctions", route: RestRoute("GET", "/v1/apis/{apiId}/functions")) { input, _ in
                try Self.page("functions", try b.listFunctions(apiId: try input.requiredString("apiId")), input)
            },
            AWSOperation("GetFunction", route: RestRoute("GET", "/v1/apis/{apiId}/functions/{functionId}")) { input, _ in
                ["functionConfiguration": .object(try b.getFunction(apiId: try input.requiredString("apiId"), functionId: try input.requiredString("functionId")))]
            },
            AWSOperation("UpdateFunction", route: RestRoute("POST", "/v1/apis/{apiId}/functions/{functionId}")) { input, _ in
                ["functionConfiguration": .object(try b.updateFunction(apiId: try input.requiredString("apiId"), functionId: try input.requiredString("functionId"),
                                                                       input.members))]
            },
            AWSOperation("DeleteFunction", route: RestRoute("DELETE", "/v1/apis/{apiId}/functions/{functionId}")) { input, _ in
                try b.deleteFunction(apiId: try input.requiredString("apiId"), functionId: try input.requiredString("functionId"))
                return [:]
            },
            // Domain names
            AWSOperation("CreateDomainName", route: RestRoute("POST", "/v1/domainnames")) { input, context in
                ["domainNameConfig": .object(try b.createDomainName(input.members, scope: AppSyncScope(context)))]
            },
            AWSOperation("ListDomainNames", route: RestRoute("GET", "/v1/domainnames")) { input, context in
                try Self.page("domainNameConfigs", try b.listDomainNames(scope: AppSyncScope(context)), input)
            },
            AWSOperation("GetDomainName", route: RestRoute("GET", "/v1/domainnames/{domainName}")) { input, _ in
                ["domainNameConfig": .object(try b.getDomainName(try input.requiredString("domainName")))]
            },
            AWSOperation("DeleteDomainName", route: RestRoute("DELETE", "/v1/domainnames/{domainName}")) { input, _ in
                try b.deleteDomainName(try input.requiredString("domainName"))
                return [:]
            },
            AWSOperation("AssociateApi", route: RestRoute("POST", "/v1/domainnames/{domainName}/apiassociation")) { input, _ in
                ["apiAssociation": .object(try b.associateApi(domainName: try input.requiredString("domainName"), apiId: try input.requiredString("apiId")))]
            },
            AWSOperation("GetApiAssociation", route: RestRoute("GET", "/v1/domainnames/{domainName}/apiassociation")) { input, _ in
                ["apiAssociation": .object(try b.getApiAssociation(domainName: try input.requiredString("domainName")))]
            },
            AWSOperation("DisassociateApi", route: RestRoute("DELETE", "/v1/domainnames/{domainName}/apiassociation")) { input, _ in
                try b.disassociateApi(domainName: try input.requiredString("domainName"))
                return [:]
            },
            // Tags
            AWSOperation("TagResource", route: RestRoute("POST", "/v1/tags/{resourceArn+}")) { input, _ in
                try b.tagResource(arn: try input.requiredString("resourceArn"), tags: try input.object("tags") ?? [:])
                return [:]
            },
            AWSOperation("UntagResource", route: RestRoute("DELETE", "/v1/tags/{resourceArn+}")) { input, context in
                let keys = context.request.queryItems.filter { $0.name == "tagKeys" }.map(\.value)
                try b.untagResource(arn: try input.requiredString("resourceArn"), keys: keys)
                return [:]
            },
            AWSOperation("ListTagsForResource", route: RestRoute("GET", "/v1/tags/{resourceArn+}")) { input, _ in
                ["tags": .object(try b.tags(arn: try input.requiredString("resourceArn")))]
            },
        ]
    }

    /// A listing page: `{<member>: […], "nextToken": …}`; the token is the next item's index.
    static func page(_ member: String, _ items: [JSONObject], _ input: OperationInput) throws -> JSONValue {
        let start = try input.string("nextToken").flatMap { Int($0) } ?? 0
        let size = min(max(try input.int("maxResults") ?? 25, 1), 25)
        guard start >= 0, start <= items.count else { throw AppSyncError.badRequest("Invalid nextToken.") }
        let end = min(start + size, items.count)
        var out = JSONObject()
        out[member] = .array(items[start..<end].map(JSONValue.object))
        if end < items.count { out["nextToken"] = .string(String(end)) }
        return .object(out)
    }

    /// A blob member: base64 text on the wire (`--definition fileb://schema.graphql`); plain SDL is accepted too.
    static func blob(_ input: OperationInput, _ name: String) throws -> String {
        let text = try input.requiredString(name)
        if let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8) { return decoded }
        return text
    }
}

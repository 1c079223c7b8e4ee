public import AWSCore

/// GraphQL APIs and custom domain names as the tagging APIs see them; the tags stay in their documents.
/// (`untagResource(arn:keys:)` is the control plane's own.)
extension AppSyncBackend: TaggedResourceSource {
    public func taggedResources(accountID: String, region: String) async throws -> [TaggedResource] {
        let scope = AppSyncScope(accountID: accountID, region: region)
        let apis = try listGraphqlApis(scope: scope).map { Self.tagged($0, arnKey: "arn", type: "AWS::AppSync::GraphQLApi") }
        let domains = try listDomainNames(scope: scope).map { Self.tagged($0, arnKey: "domainNameArn", type: "AWS::AppSync::DomainName") }
        return apis + domains
    }

    public func owns(arn: ARN) -> Bool {
        arn.service == "appsync" && (arn.resource.hasPrefix("apis/") || arn.resource.hasPrefix("domainnames/"))
    }

    public func tagResource(arn: String, tags: [(key: String, value: String)]) async throws {
        try tagResource(arn: arn, tags: JSONObject(tags.map { ($0.key, .string($0.value)) }))
    }

    private static func tagged(_ doc: JSONObject, arnKey: String, type: String) -> TaggedResource {
        TaggedResource(arn: doc[arnKey]?.stringValue ?? "", resourceType: type,
                       tags: (doc["tags"]?.objectValue ?? [:]).map { ($0.key, $0.value.stringValue ?? "") })
    }
}

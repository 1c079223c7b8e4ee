public import AWSCore

/// Tables as the Resource Groups Tagging API and Resource Groups see them; their tags stay in the table definition.
extension DynamoDBService: TaggedResourceSource {
    public func taggedResources(accountID: String, region: String) async throws -> [TaggedResource] {
        allTableNames().sorted().compactMap(cachedTable)
            .filter { $0.accountID == accountID && $0.region == region }
            .map { TaggedResource(arn: $0.arn, resourceType: "AWS::DynamoDB::Table", tags: $0.tags) }
    }

    public func owns(arn: ARN) -> Bool {
        arn.service == "dynamodb" && arn.resource.hasPrefix("table/")
    }

    public func tagResource(arn: String, tags: [(key: String, value: String)]) async throws {
        try addTags(tags, to: try table(arn: arn))
    }

    public func untagResource(arn: String, keys: [String]) async throws {
        try removeTags(Set(keys), from: try table(arn: arn))
    }
}

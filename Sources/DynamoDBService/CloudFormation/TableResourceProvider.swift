import AWSCore

/// `AWS::DynamoDB::Table` as a real table: CloudFormation's properties become the same API
/// calls `cdk deploy` causes (CreateTable, UpdateTimeToLive, UpdateContinuousBackups, UpdateTable,
/// Tag/UntagResource, DeleteTable), so the table behaves as one created by hand.
extension DynamoDBService: CloudFormationResourceProvider {
    public var resourceTypes: [String] { ["AWS::DynamoDB::Table"] }

    public func create(_ request: ResourceRequest) async throws -> ResourceResult {
        let p = request.properties
        let name = p["TableName"]?.stringValue ?? request.generatedName(maxLength: 255)
        var input: JSONObject = ["TableName": .string(name)]
        for key in ["AttributeDefinitions", "KeySchema", "BillingMode", "ProvisionedThroughput", "GlobalSecondaryIndexes",
                    "LocalSecondaryIndexes", "SSESpecification", "TableClass", "DeletionProtectionEnabled", "OnDemandThroughput"] {
            input.set(key, p[key])
        }
        if let stream = p["StreamSpecification"]?["StreamViewType"] {
            input["StreamSpecification"] = ["StreamEnabled": true, "StreamViewType": stream]
        }
        let tags = Self.mergedTags(request)
        if !tags.isEmpty { input["Tags"] = .array(tags) }
        let created = try await call("CreateTable", input, region: request.region, accountID: request.accountID)
        try await applySettings(name: name, request, previous: nil)
        return Self.result(name: name, description: created["TableDescription"])
    }

    public func requiresReplacement(_ request: ResourceRequest) -> Bool {
        let old = request.previousProperties ?? [:]
        return ["TableName", "KeySchema", "LocalSecondaryIndexes"].contains { request.properties[$0] != old[$0] }
    }

    public func update(_ request: ResourceRequest) async throws -> ResourceResult {
        guard let name = request.physicalID else { throw DynamoDBError.resourceNotFoundPlain }
        let p = request.properties, old = request.previousProperties ?? [:]
        let region = request.region, account = request.accountID
        if p["BillingMode"] != old["BillingMode"] || p["ProvisionedThroughput"] != old["ProvisionedThroughput"] {
            var input: JSONObject = ["TableName": .string(name), "BillingMode": p["BillingMode"] ?? "PROVISIONED"]
            input.set("ProvisionedThroughput", p["ProvisionedThroughput"])
            _ = try await call("UpdateTable", input, region: region, accountID: account)
        }
        // Secondary indexes: deletions first, then creations (one per UpdateTable call, as AWS requires).
        let oldIndexes = Self.indexes(old["GlobalSecondaryIndexes"]), newIndexes = Self.indexes(p["GlobalSecondaryIndexes"])
        for (indexName, definition) in oldIndexes where newIndexes[indexName] != definition {
            _ = try await call("UpdateTable", ["TableName": .string(name),
                                               "GlobalSecondaryIndexUpdates": [["Delete": ["IndexName": .string(indexName)]]]],
                               region: region, accountID: account)
        }
        for (indexName, definition) in newIndexes where oldIndexes[indexName] != definition {
            _ = try await call("UpdateTable", ["TableName": .string(name), "AttributeDefinitions": p["AttributeDefinitions"] ?? [],
                                               "GlobalSecondaryIndexUpdates": [["Create": definition]]],
                               region: region, accountID: account)
        }
        try await applySettings(name: name, request, previous: old)
        let oldTags = Dictionary((request.previousAttributes?["Tags"]?.arrayValue ?? []).compactMap { t in
            t["Key"]?.stringValue.map { ($0, t["Value"]?.stringValue ?? "") } }, uniquingKeysWith: { $1 })
        let newTags = Self.mergedTags(request)
        let newKeys = Set(newTags.compactMap { $0["Key"]?.stringValue })
        let arn = ARN(service: "dynamodb", region: region, accountID: account, resource: "table/\(name)").description
        let removed = oldTags.keys.filter { !newKeys.contains($0) }
        if !removed.isEmpty {
            _ = try await call("UntagResource", ["ResourceArn": .string(arn), "TagKeys": .array(removed.sorted().map { .string($0) })],
                               region: region, accountID: account)
        }
        if !newTags.isEmpty { _ = try await call("TagResource", ["ResourceArn": .string(arn), "Tags": .array(newTags)], region: region, accountID: account) }
        let described = try await call("DescribeTable", ["TableName": .string(name)], region: region, accountID: account)
        return Self.result(name: name, description: described["Table"], tags: newTags)
    }

    public func delete(_ request: ResourceRequest) async throws {
        guard let name = request.physicalID else { return }
        do {
            _ = try await call("DeleteTable", ["TableName": .string(name)], region: request.region, accountID: request.accountID)
        } catch let error as DynamoDBError where error.code == "ResourceNotFoundException" {
            // Already gone: deleting is then done.
        }
    }

    /// TTL and point-in-time recovery, which CloudFormation sets after creating the table.
    private func applySettings(name: String, _ request: ResourceRequest, previous: JSONObject?) async throws {
        let p = request.properties, region = request.region, account = request.accountID
        let ttl = p["TimeToLiveSpecification"], oldTTL = previous?["TimeToLiveSpecification"]
        if ttl != oldTTL {
            if let old = oldTTL, old["Enabled"] == .bool(true), ttl?["AttributeName"] != old["AttributeName"] || ttl?["Enabled"] != .bool(true) {
                _ = try await call("UpdateTimeToLive", ["TableName": .string(name), "TimeToLiveSpecification": ["AttributeName": old["AttributeName"] ?? "", "Enabled": false]],
                                   region: region, accountID: account)
            }
            if let ttl, ttl["Enabled"] == .bool(true) || ttl["Enabled"] == .string("true") {
                _ = try await call("UpdateTimeToLive", ["TableName": .string(name), "TimeToLiveSpecification": ["AttributeName": ttl["AttributeName"] ?? "", "Enabled": true]],
                                   region: region, accountID: account)
            }
        }
        if let pitr = p["PointInTimeRecoverySpecification"], pitr != previous?["PointInTimeRecoverySpecification"] {
            let enabled = pitr["PointInTimeRecoveryEnabled"] == .bool(true) || pitr["PointInTimeRecoveryEnabled"] == .string("true")
            _ = try await call("UpdateContinuousBackups", ["TableName": .string(name), "PointInTimeRecoverySpecification": ["PointInTimeRecoveryEnabled": .bool(enabled)]],
                               region: region, accountID: account)
        }
    }

    /// The resource's tags in DynamoDB's list shape.
    static func mergedTags(_ request: ResourceRequest) -> [JSONValue] {
        request.mergedTags.map { ["Key": .string($0.key), "Value": .string($0.value)] }
    }

    static func indexes(_ value: JSONValue?) -> [String: JSONValue] {
        Dictionary((value?.arrayValue ?? []).compactMap { i in i["IndexName"]?.stringValue.map { ($0, i) } }, uniquingKeysWith: { $1 })
    }

    static func result(name: String, description: JSONValue?, tags: [JSONValue]? = nil) -> ResourceResult {
        var attributes: JSONObject = ["Arn": description?["TableArn"] ?? .string(name)]
        attributes.set("StreamArn", description?["LatestStreamArn"])
        attributes.set("Tags", tags.map { .array($0) })
        return ResourceResult(physicalID: name, attributes: attributes)
    }
}

public import AWSCore

/// Log groups as the tagging APIs see them (`arn:aws:logs:<region>:<account>:log-group:<name>`, without `:*`).
extension LogsService: TaggedResourceSource {
    public func taggedResources(accountID: String, region: String) async throws -> [TaggedResource] {
        try groups(account: accountID, region: region).map { group in
            TaggedResource(arn: Self.groupARN(group.name, account: accountID, region: region), resourceType: "AWS::Logs::LogGroup",
                           tags: group.tags.map { ($0.key, $0.value.stringValue ?? "") })
        }
    }

    public func owns(arn: ARN) -> Bool {
        arn.service == "logs" && arn.resource.hasPrefix("log-group:")
    }

    public func tagResource(arn: String, tags: [(key: String, value: String)]) async throws {
        guard let parsed = ARN(arn) else { throw LogsError.groupNotFound }
        try changeTags(try Self.groupName(fromARN: arn), account: parsed.accountID, region: parsed.region) { current in
            for (k, v) in tags { current[k] = .string(v) }
        }
    }

    public func untagResource(arn: String, keys: [String]) async throws {
        guard let parsed = ARN(arn) else { throw LogsError.groupNotFound }
        try changeTags(try Self.groupName(fromARN: arn), account: parsed.accountID, region: parsed.region) { current in
            for k in keys { current[k] = nil }
        }
    }
}

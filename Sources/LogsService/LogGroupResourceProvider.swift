import AWSCore

/// `AWS::Logs::LogGroup` as a real log group.
extension LogsService: CloudFormationResourceProvider {
    public var resourceTypes: [String] { ["AWS::Logs::LogGroup"] }

    public func create(_ request: ResourceRequest) async throws -> ResourceResult {
        let name = request.properties["LogGroupName"]?.stringValue ?? request.generatedName(maxLength: 512)
        try createGroup(name: name, tags: request.mergedTagMap, retention: request.properties["RetentionInDays"]?.intValue,
                        account: request.accountID, region: request.region)
        return result(name, request)
    }

    public func requiresReplacement(_ request: ResourceRequest) -> Bool {
        request.properties["LogGroupName"] != request.previousProperties?["LogGroupName"]
    }

    public func update(_ request: ResourceRequest) async throws -> ResourceResult {
        let name = request.physicalID ?? ""
        try update(name, account: request.accountID, region: request.region,
                   retention: .some(request.properties["RetentionInDays"]?.intValue), tags: request.mergedTagMap)
        return result(name, request)
    }

    public func delete(_ request: ResourceRequest) async throws {
        guard let name = request.physicalID else { return }
        do {
            try deleteGroup(name: name, account: request.accountID, region: request.region)
        } catch LogsError.groupNotFound {
            // already gone
        }
    }

    private func result(_ name: String, _ request: ResourceRequest) -> ResourceResult {
        ResourceResult(physicalID: name, attributes: ["Arn": .string(Self.groupARN(name, account: request.accountID, region: request.region) + ":*")])
    }
}

import AWSCore

/// `AWS::SSM::Parameter` as a real parameter in the store.
extension SSMService: CloudFormationResourceProvider {
    public var resourceTypes: [String] { ["AWS::SSM::Parameter"] }

    public func create(_ request: ResourceRequest) async throws -> ResourceResult {
        let name = request.properties["Name"]?.stringValue ?? "CFN-\(request.logicalID)-\(String(request.stackID.suffix(12)))"
        return try apply(request, name: name)
    }

    public func requiresReplacement(_ request: ResourceRequest) -> Bool {
        request.properties["Name"] != request.previousProperties?["Name"]
    }

    public func update(_ request: ResourceRequest) async throws -> ResourceResult {
        try apply(request, name: request.physicalID ?? request.logicalID)
    }

    public func delete(_ request: ResourceRequest) async throws {
        guard let name = request.physicalID else { return }
        _ = try remove(name: name, accountID: request.accountID, region: request.region)
    }

    private func apply(_ request: ResourceRequest, name: String) throws -> ResourceResult {
        guard let value = request.properties["Value"].map(\.scalarText) else {
            throw SSMError.validation("Property Value cannot be empty")
        }
        let type = request.properties["Type"]?.stringValue ?? "String"
        // `Tags` of AWS::SSM::Parameter is a {key: value} map, not CloudFormation's usual list.
        var tags = request.stackTags
        TagList.merge((request.properties["Tags"]?.objectValue ?? [:]).map { ($0.key, $0.value.scalarText) }, into: &tags)
        try put(name: name, value: value, type: type, tags: tags, accountID: request.accountID, region: request.region)
        return ResourceResult(physicalID: name, attributes: ["Type": .string(type), "Value": .string(value)])
    }
}

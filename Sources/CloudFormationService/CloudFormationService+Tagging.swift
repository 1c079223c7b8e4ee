public import AWSCore

/// Stacks, and the taggable resources CloudFormation only records (Lambda functions, IAM roles,
/// certificates), as the tagging APIs see them. Their tags live in the stack records.
extension CloudFormationService: TaggedResourceSource {
    public func taggedResources(accountID: String, region: String) async throws -> [TaggedResource] {
        try store.stacks(accountID: accountID, region: region, includeDeleted: false).flatMap { stack in
            [TaggedResource(arn: stack.stackID, resourceType: "AWS::CloudFormation::Stack", tags: stack.tags.map { ($0.key, $0.value) })]
                + stack.resources.compactMap { Self.recordedResource($0, of: stack) }
        }
    }

    public func owns(arn: ARN) -> Bool {
        Self.recordedARNPrefixes.contains { arn.service == $0.service && arn.resource.hasPrefix($0.resource) }
    }

    public func tagResource(arn: String, tags: [(key: String, value: String)]) async throws {
        try await changeTags(arn: arn) { current in TagList.merge(tags, into: &current) }
    }

    public func untagResource(arn: String, keys: [String]) async throws {
        try await changeTags(arn: arn) { current in current.removeAll { keys.contains($0.key) } }
    }

    /// Stacks, and the recorded types that carry tags, by ARN service and resource prefix.
    static let recordedARNPrefixes: [(service: String, resource: String)] = [
        ("cloudformation", "stack/"), ("lambda", "function:"), ("iam", "role/"), ("acm", "certificate/"),
    ]
    static let recordedTaggedTypes: Set<String> = ["AWS::Lambda::Function", "AWS::IAM::Role", "AWS::CertificateManager::Certificate"]

    static func recordedResource(_ record: ResourceRecord, of stack: StackRecord) -> TaggedResource? {
        guard recordedTaggedTypes.contains(record.type), record.status.hasSuffix("_COMPLETE"),
              let arn = resourceARN(record, accountID: stack.accountID, region: stack.region) else { return nil }
        return TaggedResource(arn: arn, resourceType: record.type, tags: tags(of: record, in: stack).map { ($0.key, $0.value) })
    }

    /// A recorded resource's tags: as the tagging API left them, else as the template and stack gave them.
    static func tags(of record: ResourceRecord, in stack: StackRecord) -> [StackRecord.Tag] {
        if let recordedTags = record.recordedTags { return recordedTags }
        return ResourceRequest.mergedTags(stackTags: stack.tags.map { ($0.key, $0.value) }, properties: record.properties.objectValue ?? [:])
            .map { .init(key: $0.key, value: $0.value) }
    }

    /// The ARN AWS gives a stack's resource: its physical id when that is an ARN (AppSync APIs,
    /// certificates), else its `Arn`-like attribute (without a log group's `:*`), else formed from its name.
    static func resourceARN(_ record: ResourceRecord, accountID: String, region: String) -> String? {
        if record.physicalID.hasPrefix("arn:") { return record.physicalID }
        for key in ["Arn", "DomainNameArn"] {
            guard var arn = record.attributes[key]?.stringValue, arn.hasPrefix("arn:") else { continue }
            if arn.hasSuffix(":*") { arn.removeLast(2) }
            return arn
        }
        switch record.type {
        case "AWS::SSM::Parameter":
            let name = record.physicalID.hasPrefix("/") ? String(record.physicalID.dropFirst()) : record.physicalID
            return ARN(service: "ssm", region: region, accountID: accountID, resource: "parameter/\(name)").description
        case "AWS::Route53::HostedZone":
            return "arn:aws:route53:::hostedzone/\(record.physicalID)"
        default:
            return nil
        }
    }

    /// Finds the stack holding `arn` (the stack itself or one of its recorded resources) and saves the changed tags.
    private func changeTags(arn text: String, _ change: (inout [(key: String, value: String)]) -> Void) async throws {
        guard let arn = ARN(text) else { throw CloudFormationError.validation("Invalid ARN \(text)") }
        func edited(_ tags: [StackRecord.Tag]) -> [StackRecord.Tag] {
            var pairs = tags.map { (key: $0.key, value: $0.value) }
            change(&pairs)
            return pairs.map { .init(key: $0.key, value: $0.value) }
        }
        try await lock.withLock {
            // IAM ARNs have no region: such a role belongs to whichever region's stack created it.
            let stacks = try store.liveStacks(accountID: arn.accountID)
                .filter { arn.region.isEmpty || $0.region == arn.region }
            for var stack in stacks {
                if stack.stackID == text {
                    stack.tags = edited(stack.tags)
                    try store.save(stack)
                    return
                }
                if let i = stack.resources.firstIndex(where: { Self.recordedResource($0, of: stack)?.arn == text }) {
                    stack.resources[i].recordedTags = edited(Self.tags(of: stack.resources[i], in: stack))
                    try store.save(stack)
                    return
                }
            }
            throw CloudFormationError.validation("Resource \(text) does not exist")
        }
    }
}

/// Resource Groups' `CLOUDFORMATION_STACK_1_0` queries read a stack's members here.
extension CloudFormationService: StackMembershipSource {
    public func stackMembership(stackID: String, accountID: String, region: String) async throws -> StackMembership? {
        guard let stack = try store.stack(stackID, accountID: accountID, region: region),
              stack.accountID == accountID, stack.region == region else { return nil }
        let inactive = stack.isDeleted || stack.status == "CREATE_FAILED" || stack.status == "ROLLBACK_COMPLETE"
        return StackMembership(isActive: !inactive,
                               resourceARNs: stack.resources.compactMap { Self.resourceARN($0, accountID: accountID, region: region) })
    }
}

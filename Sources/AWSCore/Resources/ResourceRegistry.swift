/// One resource as the tagging APIs see it: its ARN, its CloudFormation type name and its tags.
public struct TaggedResource: Sendable, Equatable {
    public let arn: String
    /// CloudFormation type name (`AWS::DynamoDB::Table`), as Resource Groups' `ResourceType` filters use.
    public let resourceType: String
    /// Tags in the order the owning service keeps them.
    public var tags: [(key: String, value: String)]

    public init(arn: String, resourceType: String, tags: [(key: String, value: String)]) {
        self.arn = arn
        self.resourceType = resourceType
        self.tags = tags
    }

    public static func == (a: TaggedResource, b: TaggedResource) -> Bool {
        a.arn == b.arn && a.resourceType == b.resourceType && a.tags.elementsEqual(b.tags) { $0 == $1 }
    }
}

/// A service that owns taggable resources. The registry asks every source live, so the service
/// stays the one place its resources and tags are stored.
public protocol TaggedResourceSource: Sendable {
    /// The resources this service holds in one account and region.
    func taggedResources(accountID: String, region: String) async throws -> [TaggedResource]
    /// Whether `arn` names a resource type this source owns (by service and resource prefix);
    /// the registry sends tag changes only to the owner.
    func owns(arn: ARN) -> Bool
    /// Adds or replaces tags; throws the service's not-found error for an unknown resource.
    func tagResource(arn: String, tags: [(key: String, value: String)]) async throws
    func untagResource(arn: String, keys: [String]) async throws
}

/// Every taggable resource of the sandbox, gathered from the services that own them.
public struct ResourceRegistry: Sendable {
    public let sources: [any TaggedResourceSource]

    public init(sources: [any TaggedResourceSource]) {
        self.sources = sources
    }

    public func resources(accountID: String, region: String) async throws -> [TaggedResource] {
        var all: [TaggedResource] = []
        for source in sources { all += try await source.taggedResources(accountID: accountID, region: region) }
        return all
    }

    /// The source that owns `arn`, or nil when no service emulates that resource type.
    public func owner(of arn: String) -> (any TaggedResourceSource)? {
        guard let parsed = ARN(arn) else { return nil }
        return sources.first { $0.owns(arn: parsed) }
    }
}

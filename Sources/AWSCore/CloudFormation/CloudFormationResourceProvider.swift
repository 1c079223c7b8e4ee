/// What CloudFormation asks a service to do for one resource of a stack.
public struct ResourceRequest: Sendable {
    public let logicalID: String
    public let resourceType: String
    /// Properties with every intrinsic function already resolved.
    public let properties: JSONObject
    /// The resource's physical id, for updates and deletes.
    public let physicalID: String?
    /// The properties the resource was last created or updated with (updates only).
    public let previousProperties: JSONObject?
    /// The attributes the provider returned last time (updates and deletes).
    public let previousAttributes: JSONObject?
    public let stackName: String
    public let stackID: String
    public let accountID: String
    public let region: String
    /// Stack-level tags, which CloudFormation propagates to every taggable resource.
    public let stackTags: [(key: String, value: String)]

    public init(logicalID: String, resourceType: String, properties: JSONObject, physicalID: String? = nil,
                previousProperties: JSONObject? = nil, previousAttributes: JSONObject? = nil, stackName: String,
                stackID: String, accountID: String, region: String, stackTags: [(key: String, value: String)] = []) {
        self.logicalID = logicalID
        self.resourceType = resourceType
        self.properties = properties
        self.physicalID = physicalID
        self.previousProperties = previousProperties
        self.previousAttributes = previousAttributes
        self.stackName = stackName
        self.stackID = stackID
        self.accountID = accountID
        self.region = region
        self.stackTags = stackTags
    }

    /// The tags a resource gets: the stack's, then the resource's own `Tags` (`[{Key, Value}]`),
    /// which win on the same key, as CloudFormation propagates them.
    public var mergedTags: [(key: String, value: String)] { Self.mergedTags(stackTags: stackTags, properties: properties) }

    /// The merge rule itself, for resources CloudFormation only records (their tags are read back later).
    public static func mergedTags(stackTags: [(key: String, value: String)], properties: JSONObject) -> [(key: String, value: String)] {
        var merged = stackTags
        for tag in properties["Tags"]?.arrayValue ?? [] {
            guard let key = tag["Key"]?.stringValue else { continue }
            merged.removeAll { $0.key == key }
            merged.append((key, tag["Value"]?.stringValue ?? ""))
        }
        return merged
    }

    /// ``mergedTags`` as a `{key: value}` map (AppSync, CloudWatch Logs).
    public var mergedTagMap: JSONObject { JSONObject(mergedTags.map { ($0.key, .string($0.value)) }) }

    /// A name for resources whose template gives none: `<stack>-<logicalId>-<random>`, as
    /// CloudFormation generates them.
    public func generatedName(maxLength: Int = 255) -> String {
        let suffix = String((0..<12).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".randomElement()! })
        let base = "\(stackName)-\(logicalID)"
        return String(base.prefix(max(1, maxLength - 13))) + "-" + suffix
    }
}

/// What a provider reports after creating or updating a resource.
public struct ResourceResult: Sendable {
    /// The physical id (what `Ref` returns unless ``refValue`` says otherwise).
    public var physicalID: String
    /// Values `Fn::GetAtt` can read.
    public var attributes: JSONObject
    /// What `Ref` returns when it differs from the physical id.
    public var refValue: String?

    public init(physicalID: String, attributes: JSONObject = JSONObject(), refValue: String? = nil) {
        self.physicalID = physicalID
        self.attributes = attributes
        self.refValue = refValue
    }
}

/// A service's implementation of some `AWS::…` resource types.
///
/// Errors thrown are shown as the resource's `ResourceStatusReason` and fail (and roll back)
/// the stack operation.
public protocol CloudFormationResourceProvider: Sendable {
    /// The types this provider handles (`AWS::DynamoDB::Table`).
    var resourceTypes: [String] { get }

    func create(_ request: ResourceRequest) async throws -> ResourceResult

    /// Whether changing from `request.previousProperties` to `request.properties` needs a new
    /// physical resource (create the new one, then delete the old one).
    func requiresReplacement(_ request: ResourceRequest) -> Bool

    func update(_ request: ResourceRequest) async throws -> ResourceResult

    func delete(_ request: ResourceRequest) async throws
}

extension CloudFormationResourceProvider {
    public func requiresReplacement(_ request: ResourceRequest) -> Bool { false }
}

/// A read-only view of a parameter store (SSM), for `AWS::SSM::Parameter::Value<…>` parameters.
public protocol ParameterLookup: Sendable {
    /// The value of the parameter `name`, or nil when it does not exist.
    func parameterValue(named name: String, accountID: String, region: String) -> String?
}

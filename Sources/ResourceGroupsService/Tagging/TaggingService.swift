public import AWSCore

/// The Resource Groups Tagging API (awsJson 1.1, `X-Amz-Target: ResourceGroupsTaggingAPI_20170126.<Op>`):
/// every service's tagged resources through one ``ResourceRegistry``; tag changes go to the owning service.
public struct TaggingService: AWSService {
    public let signingName = "tagging"
    public let bindings: [ProtocolBinding] = [.json(version: "1.1", targetPrefix: "ResourceGroupsTaggingAPI_20170126", errorNamespace: nil)]
    let registry: ResourceRegistry

    public init(registry: ResourceRegistry) { self.registry = registry }

    public var operations: [AWSOperation] {
        [
            AWSOperation("GetResources", handler: getResources),
            AWSOperation("GetTagKeys", handler: getTagKeys),
            AWSOperation("GetTagValues", handler: getTagValues),
            AWSOperation("TagResources", handler: tagResources),
            AWSOperation("UntagResources", handler: untagResources),
        ]
    }

    static let maxARNsPerChange = 20, maxARNsPerGet = 100, keysPerPage = 500

    @Sendable func getResources(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let arns = try input.array("ResourceARNList")?.map { try Self.string($0, "resourceARNList") }
        let filters = try Self.tagFilters(input)
        let types = try input.array("ResourceTypeFilters")?.map { try Self.string($0, "resourceTypeFilters") } ?? []
        if let arns {
            guard filters.isEmpty, types.isEmpty else {
                throw TaggingError.invalidParameter("ResourceARNList can't be specified together with TagFilters or ResourceTypeFilters")
            }
            guard (1...Self.maxARNsPerGet).contains(arns.count) else {
                throw TaggingError.constraint("\(arns)", at: "resourceARNList", "Member must have length less than or equal to \(Self.maxARNsPerGet)")
            }
        }
        let perPage = try input.int("ResourcesPerPage") ?? 100
        guard (1...100).contains(perPage) else { throw TaggingError.invalidParameter("ResourcesPerPage must be between 1 and 100") }
        if let tagsPerPage = try input.int("TagsPerPage"), !(100...500).contains(tagsPerPage) {
            throw TaggingError.invalidParameter("TagsPerPage must be between 100 and 500")
        }
        let matching = try await registry.resources(accountID: context.accountID, region: context.region).filter { resource in
            if let arns { return arns.contains(resource.arn) }
            // Like AWS, a listing without ARNs shows only resources that carry tags.
            return !resource.tags.isEmpty && resource.matches(filters) && (types.isEmpty || types.contains { Self.taggingType(resource.arn, matches: $0) })
        }
        let page = try PageToken.page(matching, from: try input.string("PaginationToken"), size: perPage, invalid: TaggingError.paginationTokenExpired)
        return [
            "ResourceTagMappingList": .array(page.items.map { ["ResourceARN": .string($0.arn), "Tags": $0.tagList] }),
            "PaginationToken": .string(page.next ?? ""),
        ]
    }

    @Sendable func getTagKeys(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let keys = Set(try await registry.resources(accountID: context.accountID, region: context.region).flatMap { $0.tags.map(\.key) })
        let page = try PageToken.page(keys.sorted(), from: try input.string("PaginationToken"), size: Self.keysPerPage,
                                      invalid: TaggingError.paginationTokenExpired)
        return ["TagKeys": .array(page.items.map { .string($0) }), "PaginationToken": .string(page.next ?? "")]
    }

    @Sendable func getTagValues(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        guard let key = try input.string("Key") else {
            throw TaggingError.constraint("null", at: "key", "Member must not be null")
        }
        let resources = try await registry.resources(accountID: context.accountID, region: context.region)
        let values = Set(resources.flatMap { $0.tags.filter { $0.key == key }.map(\.value) })
        let page = try PageToken.page(values.sorted(), from: try input.string("PaginationToken"), size: Self.keysPerPage,
                                      invalid: TaggingError.paginationTokenExpired)
        return ["TagValues": .array(page.items.map { .string($0) }), "PaginationToken": .string(page.next ?? "")]
    }

    @Sendable func tagResources(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let arns = try Self.changeARNs(input)
        guard let map = try input.object("Tags"), !map.isEmpty else {
            throw TaggingError.constraint("null", at: "tags", "Member must not be null")
        }
        let tags = try map.map { ($0.key, try Self.string($0.value, "tags")) }
        if let problem = TagRules.violation(tags, member: "tags") { throw TaggingError.invalidParameter(problem) }
        return try await change(arns, context) { try await $0.tagResource(arn: $1, tags: tags) }
    }

    @Sendable func untagResources(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let arns = try Self.changeARNs(input)
        guard let keys = try input.array("TagKeys")?.map({ try Self.string($0, "tagKeys") }), !keys.isEmpty else {
            throw TaggingError.constraint("null", at: "tagKeys", "Member must not be null")
        }
        return try await change(arns, context) { try await $0.untagResource(arn: $1, keys: keys) }
    }

    /// Applies a change to each resource through its owner; a resource that fails is reported in
    /// `FailedResourcesMap` and does not stop the others, as AWS does.
    private func change(_ arns: [String], _ context: AWSRequestContext,
                        _ body: (any TaggedResourceSource, String) async throws -> Void) async throws -> JSONValue {
        var failed = JSONObject()
        for arn in arns {
            // IAM and Route 53 ARNs leave out the region, Route 53's the account too: the caller's apply.
            guard let parsed = ARN(arn), parsed.accountID.isEmpty || parsed.accountID == context.accountID, let owner = registry.owner(of: arn),
                  try await owner.taggedResources(accountID: context.accountID, region: parsed.region.isEmpty ? context.region : parsed.region)
                      .contains(where: { $0.arn == arn })
            else {
                failed[arn] = Self.failure(400, "InvalidParameterException", "The resource \(arn) does not exist or its type is not supported.")
                continue
            }
            do {
                try await body(owner, arn)
            } catch let error as any AWSError {
                failed[arn] = Self.failure(error.httpStatus, error.httpStatus < 500 ? "InvalidParameterException" : "InternalServiceException",
                                           error.message)
            }
        }
        return ["FailedResourcesMap": .object(failed)]
    }

    static func failure(_ status: Int, _ code: String, _ message: String) -> JSONValue {
        ["StatusCode": .int(status), "ErrorCode": .string(code), "ErrorMessage": .string(message)]
    }

    static func changeARNs(_ input: OperationInput) throws -> [String] {
        guard let arns = try input.array("ResourceARNList")?.map({ try string($0, "resourceARNList") }), !arns.isEmpty else {
            throw TaggingError.constraint("null", at: "resourceARNList", "Member must not be null")
        }
        guard arns.count <= maxARNsPerChange else {
            throw TaggingError.constraint("\(arns)", at: "resourceARNList", "Member must have length less than or equal to \(maxARNsPerChange)")
        }
        return arns
    }

    static func tagFilters(_ input: OperationInput) throws -> [TagFilter] {
        let list = try input.array("TagFilters") ?? []
        guard list.count <= 50 else { throw TaggingError.constraint("\(list.count)", at: "tagFilters", "Member must have length less than or equal to 50") }
        return try list.map { item in
            guard let key = item["Key"]?.stringValue else {
                throw TaggingError.invalidParameter("TagFilters must have a Key")
            }
            let values = try (item["Values"]?.arrayValue ?? []).map { try string($0, "tagFilters.member.values") }
            guard values.count <= 20 else {
                throw TaggingError.constraint("\(values)", at: "tagFilters.member.values", "Member must have length less than or equal to 20")
            }
            return TagFilter(key: key, values: values)
        }
    }

    static func string(_ value: JSONValue, _ member: String) throws -> String {
        guard let s = value.stringValue else { throw TaggingError.constraint("\(value)", at: member, "Member must be a string") }
        return s
    }

    /// Whether a `ResourceTypeFilters` entry (`service` or `service:resourceType`, e.g. `dynamodb:table`) names this ARN's type.
    static func taggingType(_ arn: String, matches filter: String) -> Bool {
        guard let parsed = ARN(arn) else { return false }
        let type = parsed.resource.prefix { $0 != "/" && $0 != ":" }
        return filter == parsed.service || filter == "\(parsed.service):\(type)"
    }
}

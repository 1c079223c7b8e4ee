public import AWSCore

/// AWS Resource Groups (restJson, signing name `resource-groups`): groups defined by a tag query
/// or a CloudFormation stack, whose members are worked out live from the ``ResourceRegistry``.
public struct ResourceGroupsService: AWSService {
    public let signingName = "resource-groups"
    public let bindings: [ProtocolBinding] = [.restJSON]
    let store: ResourceGroupStore
    let members: GroupMembers

    public init(store: ResourceGroupStore, registry: ResourceRegistry, stacks: (any StackMembershipSource)?) {
        self.store = store
        members = GroupMembers(registry: registry, stacks: stacks)
    }

    public var operations: [AWSOperation] {
        [
            AWSOperation("CreateGroup", route: RestRoute("POST", "/groups"), handler: createGroup),
            AWSOperation("GetGroup", route: RestRoute("POST", "/get-group")) { input, context in
                ["Group": try store.group(named: try Self.groupName(input, context), accountID: context.accountID, region: context.region).shape]
            },
            AWSOperation("GetGroupQuery", route: RestRoute("POST", "/get-group-query")) { input, context in
                ["GroupQuery": try store.group(named: try Self.groupName(input, context), accountID: context.accountID, region: context.region).groupQuery]
            },
            AWSOperation("UpdateGroup", route: RestRoute("POST", "/update-group"), handler: updateGroup),
            AWSOperation("UpdateGroupQuery", route: RestRoute("POST", "/update-group-query"), handler: updateGroupQuery),
            AWSOperation("DeleteGroup", route: RestRoute("POST", "/delete-group")) { input, context in
                ["Group": try store.delete(try Self.groupName(input, context), accountID: context.accountID, region: context.region).shape]
            },
            AWSOperation("ListGroups", route: RestRoute("POST", "/groups-list"), handler: listGroups),
            AWSOperation("ListGroupResources", route: RestRoute("POST", "/list-group-resources"), handler: listGroupResources),
            AWSOperation("SearchResources", route: RestRoute("POST", "/resources/search"), handler: searchResources),
            AWSOperation("Tag", route: RestRoute("PUT", "/resources/{Arn}/tags"), handler: tag),
            AWSOperation("Untag", route: RestRoute("PATCH", "/resources/{Arn}/tags"), handler: untag),
            AWSOperation("GetTags", route: RestRoute("GET", "/resources/{Arn}/tags")) { input, _ in
                let arn = try input.requiredString("Arn")
                return ["Arn": .string(arn), "Tags": .object(try store.group(arn: arn).tags)]
            },
        ]
    }

    // MARK: Groups

    @Sendable func createGroup(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        guard let name = try input.string("Name") else { throw ResourceGroupsError.constraint("null", at: "name", "Member must not be null") }
        try Self.validateName(name)
        if input["Configuration"] != nil {
            throw ResourceGroupsError.badRequest("Group configurations (service-linked groups) are not supported by mesh-sandbox; define the group with a ResourceQuery")
        }
        let query = try ResourceQuery(member: input["ResourceQuery"])
        try await members.requireStack(query, accountID: context.accountID, region: context.region)
        let tags = try Self.tags(input, "Tags") ?? [:]
        var group = ResourceGroup(name: name, arn: ResourceGroup.arn(name, accountID: context.accountID, region: context.region),
                                  description: nil, query: query, tags: tags)
        try Self.applyDetails(input, to: &group)
        try store.insert(group, accountID: context.accountID, region: context.region)
        return ["Group": group.shape, "ResourceQuery": query.shape, "Tags": .object(tags)]
    }

    @Sendable func updateGroup(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try Self.groupName(input, context)
        let group = try store.update(name, accountID: context.accountID, region: context.region) { try Self.applyDetails(input, to: &$0) }
        return ["Group": group.shape]
    }

    @Sendable func updateGroupQuery(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try Self.groupName(input, context)
        let query = try ResourceQuery(member: input["ResourceQuery"])
        try await members.requireStack(query, accountID: context.accountID, region: context.region)
        let group = try store.update(name, accountID: context.accountID, region: context.region) { $0.query = query }
        return ["GroupQuery": group.groupQuery]
    }

    @Sendable func listGroups(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let filters = try Self.filters(input, names: ["resource-type", "configuration-type", "owner", "display-name", "criticality"])
        let groups = try store.groups(accountID: context.accountID, region: context.region).filter { group in
            filters.allSatisfy { name, values in
                switch name {
                case "resource-type": group.query.resourceTypes.contains(where: values.contains)
                case "owner": values.contains(group.owner ?? "")
                case "display-name": values.contains(group.displayName ?? "")
                case "criticality": values.contains(group.criticality.map(String.init) ?? "")
                default: false  // configuration-type: no group here has a configuration
                }
            }
        }
        let page = try Self.page(groups, input, token: "nextToken", size: "maxResults")
        var out: JSONObject = ["GroupIdentifiers": .array(page.items.map(\.identifier)), "Groups": .array(page.items.map(\.shape))]
        out.set("NextToken", page.next.map(JSONValue.string))
        return .object(out)
    }

    // MARK: Members

    @Sendable func listGroupResources(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let group = try store.group(named: try Self.groupName(input, context), accountID: context.accountID, region: context.region)
        let types = try Self.filters(input, names: ["resource-type"]).flatMap(\.values)
        for type in types where !ResourceQuery.isResourceTypeName(type) {
            throw ResourceGroupsError.constraint(type, at: "filters.member.values", "Member must satisfy regular expression pattern: AWS::[a-zA-Z0-9]+::[a-zA-Z0-9]+")
        }
        var result = try await members.evaluate(group.query, accountID: context.accountID, region: context.region)
        if !types.isEmpty { result.resources.removeAll { !types.contains($0.resourceType) } }
        let page = try Self.page(result.resources, input, token: "NextToken", size: "MaxResults")
        var out: JSONObject = [
            "Resources": .array(page.items.map { ["Identifier": Self.identifier($0)] }),
            "ResourceIdentifiers": .array(page.items.map(Self.identifier)),
            "QueryErrors": .array(result.errors),
        ]
        out.set("NextToken", page.next.map(JSONValue.string))
        return .object(out)
    }

    @Sendable func searchResources(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let query = try ResourceQuery(member: input["ResourceQuery"])
        let result = try await members.evaluate(query, accountID: context.accountID, region: context.region)
        let page = try Self.page(result.resources, input, token: "NextToken", size: "MaxResults")
        var out: JSONObject = ["ResourceIdentifiers": .array(page.items.map(Self.identifier)), "QueryErrors": .array(result.errors)]
        out.set("NextToken", page.next.map(JSONValue.string))
        return .object(out)
    }

    // MARK: Tags

    @Sendable func tag(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let arn = try input.requiredString("Arn")
        guard let tags = try Self.tags(input, "Tags") else { throw ResourceGroupsError.constraint("null", at: "tags", "Member must not be null") }
        try store.changeTags(arn: arn) { current in for (k, v) in tags { current[k] = v } }
        return ["Arn": .string(arn), "Tags": .object(tags)]
    }

    @Sendable func untag(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let arn = try input.requiredString("Arn")
        guard let keys = try input.array("Keys")?.compactMap(\.stringValue) else {
            throw ResourceGroupsError.constraint("null", at: "keys", "Member must not be null")
        }
        try store.changeTags(arn: arn) { current in for k in keys { current[k] = nil } }
        return ["Arn": .string(arn), "Keys": .array(keys.map(JSONValue.string))]
    }

    // MARK: Reading requests

    static let maxPageSize = 50

    static func identifier(_ resource: TaggedResource) -> JSONValue {
        ["ResourceArn": .string(resource.arn), "ResourceType": .string(resource.resourceType)]
    }

    /// The group a request names by `Group` (name or ARN) or the older `GroupName`.
    static func groupName(_ input: OperationInput, _ context: AWSRequestContext) throws -> String {
        guard let given = try input.string("Group") ?? input.string("GroupName") else {
            throw ResourceGroupsError.badRequest("You must specify either Group or GroupName.")
        }
        guard given.hasPrefix("arn:") else { return given }
        guard let arn = ARN(given), arn.service == "resource-groups", arn.resource.hasPrefix("group/") else {
            throw ResourceGroupsError.constraint(given, at: "group", "Member must satisfy regular expression pattern: [a-zA-Z0-9_\\.-]{1,300}|arn:aws(-[a-z]+)*:resource-groups:[a-z]{2}(-[a-z]+)+-\\d{1}:[0-9]{12}:group/[a-zA-Z0-9_\\.-]{1,300}")
        }
        let name = String(arn.resource.dropFirst("group/".count))
        guard arn.accountID == context.accountID, arn.region == context.region else { throw ResourceGroupsError.groupNotFound(name) }
        return name
    }

    static func validateName(_ name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0) }
        guard !name.isEmpty, name.count <= 300, allowed else {
            throw ResourceGroupsError.constraint(name, at: "name", "Member must satisfy regular expression pattern: [a-zA-Z0-9_\\.-]+")
        }
        guard !name.lowercased().hasPrefix("aws") else { throw ResourceGroupsError.badRequest("Group name must not start with 'AWS'") }
    }

    /// Description, Criticality, Owner and DisplayName, where the request gives them (CreateGroup, UpdateGroup).
    static func applyDetails(_ input: OperationInput, to group: inout ResourceGroup) throws {
        if let description = try input.string("Description") {
            let allowed = description.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || " \t\n\r_.-".unicodeScalars.contains($0)
            }
            guard description.count <= 1024, allowed else {
                throw ResourceGroupsError.constraint(description, at: "description", "Member must satisfy regular expression pattern: [\\sa-zA-Z0-9_\\.-]*")
            }
            group.description = description
        }
        if let criticality = try input.int("Criticality") {
            guard (1...10).contains(criticality) else {
                throw ResourceGroupsError.constraint(String(criticality), at: "criticality", "Member must have value between 1 and 10")
            }
            group.criticality = criticality
        }
        for (member, path) in [("Owner", \ResourceGroup.owner), ("DisplayName", \ResourceGroup.displayName)] {
            guard let value = try input.string(member) else { continue }
            guard value.count <= 300 else {
                throw ResourceGroupsError.constraint(value, at: member.prefix(1).lowercased() + member.dropFirst(), "Member must have length less than or equal to 300")
            }
            group[keyPath: path] = value
        }
    }

    /// A `Tags` map, validated like every tag.
    static func tags(_ input: OperationInput, _ member: String) throws -> JSONObject? {
        guard let map = try input.object(member) else { return nil }
        let pairs = try map.map { entry -> (key: String, value: String) in
            guard let value = entry.value.stringValue else { throw ResourceGroupsError.constraint("\(entry.value)", at: "tags", "Member must be a string") }
            return (entry.key, value)
        }
        if let problem = TagRules.violation(pairs, member: "tags") { throw ResourceGroupsError.badRequest(problem) }
        return map
    }

    /// `Filters`: `[{Name, Values}]`, each name one of `names`.
    static func filters(_ input: OperationInput, names: [String]) throws -> [(name: String, values: [String])] {
        try (input.array("Filters") ?? []).map { item in
            guard let name = item["Name"]?.stringValue, names.contains(name) else {
                throw ResourceGroupsError.constraint(item["Name"]?.stringValue ?? "null", at: "filters.member.name",
                                                     "Member must satisfy enum value set: [\(names.joined(separator: ", "))]")
            }
            let values = item["Values"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard (1...5).contains(values.count) else {
                throw ResourceGroupsError.constraint("\(values)", at: "filters.member.values", "Member must have length between 1 and 5")
            }
            return (name, values)
        }
    }

    /// One page, with `MaxResults` (1–50) and `NextToken` checked as Resource Groups checks them.
    static func page<T>(_ items: [T], _ input: OperationInput, token: String, size: String) throws -> (items: ArraySlice<T>, next: String?) {
        let member = size.prefix(1).lowercased() + size.dropFirst()
        let pageSize = try input.int(size) ?? maxPageSize
        guard pageSize >= 1 else {
            throw ResourceGroupsError.constraint(String(pageSize), at: member, "Member must have value greater than or equal to 1")
        }
        guard pageSize <= maxPageSize else {
            throw ResourceGroupsError.constraint(String(pageSize), at: member, "Member must have value less than or equal to \(maxPageSize)")
        }
        return try PageToken.page(items, from: try input.string(token), size: pageSize,
                                  invalid: ResourceGroupsError.badRequest("The specified NextToken is not valid."))
    }
}

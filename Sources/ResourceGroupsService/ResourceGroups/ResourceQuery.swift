import AWSCore
import Foundation

/// A group's `ResourceQuery`: its `Type` and its `Query` JSON text, validated once with the
/// messages Resource Groups gives, and parsed into what the query selects.
struct ResourceQuery: Sendable {
    enum Selection: Sendable, Equatable {
        /// `TAG_FILTERS_1_0`: resources whose tags match every filter.
        case tags([TagFilter])
        /// `CLOUDFORMATION_STACK_1_0`: the resources of the stack with this id.
        case stack(String)
    }

    static let tagFilters = "TAG_FILTERS_1_0", cloudFormationStack = "CLOUDFORMATION_STACK_1_0"
    static let allSupported = "AWS::AllSupported"
    static let maxLength = 4096

    let type: String
    /// The `Query` exactly as given, which `GetGroupQuery` returns.
    let text: String
    /// `ResourceTypeFilters`; `AWS::AllSupported` admits every type.
    let resourceTypes: [String]
    let selection: Selection

    var shape: JSONValue { ["Type": .string(type), "Query": .string(text)] }

    func admits(resourceType: String) -> Bool {
        resourceTypes.contains(Self.allSupported) || resourceTypes.contains(resourceType)
    }

    /// Reads the `ResourceQuery` member of a request.
    init(member value: JSONValue?) throws {
        guard let value else { throw ResourceGroupsError.constraint("null", at: "resourceQuery", "Member must not be null") }
        guard let type = value["Type"]?.stringValue else { throw ResourceGroupsError.constraint("null", at: "resourceQuery.type", "Member must not be null") }
        guard let query = value["Query"]?.stringValue else { throw ResourceGroupsError.constraint("null", at: "resourceQuery.query", "Member must not be null") }
        try self.init(type: type, query: query)
    }

    init(type: String, query: String) throws {
        guard type == Self.tagFilters || type == Self.cloudFormationStack else {
            throw ResourceGroupsError.constraint(type, at: "resourceQuery.type",
                                                 "Member must satisfy enum value set: [\(Self.tagFilters), \(Self.cloudFormationStack)]")
        }
        guard query.count <= Self.maxLength else {
            throw ResourceGroupsError.constraint(query, at: "resourceQuery.query", "Member must have length less than or equal to \(Self.maxLength)")
        }
        guard let parsed = (try? JSONParser.parse(query))?.objectValue,
              let typeList = parsed["ResourceTypeFilters"]?.arrayValue else { throw ResourceGroupsError.invalidQueryFormat }
        let types = try typeList.map { item in
            guard let t = item.stringValue else { throw ResourceGroupsError.invalidQueryFormat }
            guard t == Self.allSupported || Self.isResourceTypeName(t) else {
                throw ResourceGroupsError.invalidQuery("The resource type \(t) is not valid. Specify a resource type in the format AWS::service::resource, or AWS::AllSupported.")
            }
            return t
        }
        guard !types.isEmpty else { throw ResourceGroupsError.invalidQuery("The ResourceTypeFilters list must contain at least one element") }
        self.type = type
        self.text = query
        self.resourceTypes = types
        self.selection = type == Self.tagFilters ? .tags(try Self.tagFilters(parsed)) : .stack(try Self.stackIdentifier(parsed))
    }

    private static func tagFilters(_ query: JSONObject) throws -> [TagFilter] {
        guard Set(query.keys) == ["ResourceTypeFilters", "TagFilters"], let list = query["TagFilters"]?.arrayValue else {
            throw ResourceGroupsError.invalidQueryFormat
        }
        guard (1...50).contains(list.count) else { throw ResourceGroupsError.invalidQuery("The TagFilters list must contain between 1 and 50 elements") }
        return try list.map { item in
            guard let filter = item.objectValue, Set(filter.keys).isSubset(of: ["Key", "Values"]) else { throw ResourceGroupsError.invalidQueryFormat }
            let keyValue = filter["Key"] ?? .null
            guard keyValue.isNull || keyValue.stringValue != nil else { throw ResourceGroupsError.invalidQueryFormat }
            let key = keyValue.stringValue ?? ""
            guard !key.isEmpty else { throw ResourceGroupsError.invalidQuery("The TagFilter element cannot have empty or null Key field") }
            guard key.count <= TagRules.maxKeyLength else { throw ResourceGroupsError.invalidQuery("The maximum length for a tag Key is \(TagRules.maxKeyLength)") }
            guard let valueList = (filter["Values"] ?? .array([])).arrayValue else { throw ResourceGroupsError.invalidQueryFormat }
            guard valueList.count <= 20 else { throw ResourceGroupsError.invalidQuery("The TagFilter Values list must contain between 0 and 20 elements") }
            let values = try valueList.map { v in
                guard let s = v.stringValue else { throw ResourceGroupsError.invalidQueryFormat }
                guard s.count <= TagRules.maxValueLength else {
                    throw ResourceGroupsError.invalidQuery("The maximum length for a tag Value is \(TagRules.maxValueLength)")
                }
                return s
            }
            return TagFilter(key: key, values: values)
        }
    }

    private static func stackIdentifier(_ query: JSONObject) throws -> String {
        guard Set(query.keys) == ["ResourceTypeFilters", "StackIdentifier"], let id = query["StackIdentifier"]?.stringValue else {
            throw ResourceGroupsError.invalidQueryFormat
        }
        let parts = ARN(id).map { $0.resource.split(separator: "/", omittingEmptySubsequences: false) } ?? []
        guard let arn = ARN(id), arn.service == "cloudformation", !arn.region.isEmpty, !arn.accountID.isEmpty,
              parts.count == 3, parts[0] == "stack", !parts[1].isEmpty, !parts[2].isEmpty else {
            throw ResourceGroupsError.invalidQuery("Verify that the specified ARN is formatted correctly.")
        }
        return id
    }

    /// `AWS::Service::Resource`.
    static func isResourceTypeName(_ text: String) -> Bool {
        let parts = text.components(separatedBy: "::")
        return parts.count == 3 && parts[0] == "AWS" && parts.dropFirst().allSatisfy { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
        }
    }
}

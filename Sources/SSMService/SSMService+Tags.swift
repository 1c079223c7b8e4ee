public import AWSCore
import SandboxStorage

/// Parameter tags: `AddTagsToResource`, `RemoveTagsFromResource`, `ListTagsForResource`
/// (`ResourceType: Parameter`), and parameters as the tagging APIs see them.
extension SSMService: TaggedResourceSource {
    @Sendable func addTagsToResource(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try Self.parameterResource(input)
        let tags = try Self.tags(from: try input.array("Tags") ?? [])
        try changeTags(name, accountID: context.accountID, region: context.region) { current in TagList.merge(tags, into: &current) }
        return [:]
    }

    @Sendable func removeTagsFromResource(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try Self.parameterResource(input)
        let keys = (try input.array("TagKeys") ?? []).compactMap(\.stringValue)
        try changeTags(name, accountID: context.accountID, region: context.region) { current in current.removeAll { keys.contains($0.key) } }
        return [:]
    }

    @Sendable func listTagsForResource(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try Self.parameterResource(input)
        guard let p = try parameter(name, accountID: context.accountID, region: context.region) else { throw SSMError.invalidResourceId }
        return ["TagList": TagList.json(p.tags)]
    }

    // MARK: TaggedResourceSource

    public func taggedResources(accountID: String, region: String) async throws -> [TaggedResource] {
        try parameters(where: "1 = 1", [], accountID: accountID, region: region).map { p in
            TaggedResource(arn: Self.arn(p.name, accountID: accountID, region: region), resourceType: "AWS::SSM::Parameter", tags: p.tags)
        }
    }

    public func owns(arn: ARN) -> Bool { arn.service == "ssm" && arn.resource.hasPrefix("parameter/") }

    public func tagResource(arn: String, tags: [(key: String, value: String)]) async throws {
        let (name, parsed) = try parameterName(arn: arn)
        try changeTags(name, accountID: parsed.accountID, region: parsed.region) { current in TagList.merge(tags, into: &current) }
    }

    public func untagResource(arn: String, keys: [String]) async throws {
        let (name, parsed) = try parameterName(arn: arn)
        try changeTags(name, accountID: parsed.accountID, region: parsed.region) { current in current.removeAll { keys.contains($0.key) } }
    }

    // MARK: Helpers

    /// A parameter's ARN: `parameter/<name>`, the name's leading slash not doubled.
    static func arn(_ name: String, accountID: String, region: String) -> String {
        ARN(service: "ssm", region: region, accountID: accountID, resource: "parameter" + (name.hasPrefix("/") ? "" : "/") + name).description
    }

    /// The parameter an ARN names (`parameter/a/b` is `/a/b` or `a/b`, whichever exists).
    private func parameterName(arn text: String) throws -> (String, ARN) {
        guard let arn = ARN(text), owns(arn: arn) else { throw SSMError.invalidResourceId }
        let rest = String(arn.resource.dropFirst("parameter/".count))
        for name in ["/" + rest, rest] where try parameter(name, accountID: arn.accountID, region: arn.region) != nil {
            return (name, arn)
        }
        throw SSMError.invalidResourceId
    }

    private func changeTags(_ name: String, accountID: String, region: String, _ change: (inout [(key: String, value: String)]) -> Void) throws {
        guard var p = try parameter(name, accountID: accountID, region: region) else { throw SSMError.invalidResourceId }
        change(&p.tags)
        try database.write { db in
            _ = try db.execute("UPDATE ssm_parameters SET tags = ? WHERE account = ? AND region = ? AND name = ?",
                               [.text(TagList.json(p.tags).serializedString()), .text(accountID), .text(region), .text(name)])
        }
    }

    static func parameterResource(_ input: OperationInput) throws -> String {
        let type = try input.requiredString("ResourceType")
        let id = try input.requiredString("ResourceId")
        guard ["Document", "ManagedInstance", "MaintenanceWindow", "Parameter", "PatchBaseline", "OpsItem", "OpsMetadata",
               "Automation", "Association"].contains(type) else {
            throw SSMError.validation("1 validation error detected: Value '\(type)' at 'resourceType' failed to satisfy constraint: Member must satisfy enum value set: [Document, ManagedInstance, MaintenanceWindow, Parameter, PatchBaseline, OpsItem, OpsMetadata, Automation, Association]")
        }
        guard type == "Parameter" else { throw SSMError.invalidResourceType }
        return id
    }

    static func tags(from list: [JSONValue]) throws -> [(key: String, value: String)] {
        try list.map { tag in
            guard let key = tag["Key"]?.stringValue, let value = tag["Value"]?.stringValue else {
                throw SSMError.validation("1 validation error detected: Value null at 'tags.member.key' failed to satisfy constraint: Member must not be null")
            }
            return (key, value)
        }
    }
}

import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    func tableForARN(_ input: OperationInput) throws -> TableMeta {
        guard let arn = try input.string("ResourceArn") else {
            throw DynamoDBError.constraint(nil, at: "resourceArn", "Member must not be null")
        }
        return try table(arn: arn)
    }

    func table(arn: String) throws -> TableMeta {
        guard let parsed = ARN(arn), parsed.service == "dynamodb", parsed.resource.hasPrefix("table/") else {
            throw DynamoDBError.validation("Invalid TableArn: Invalid ResourceArn provided as input \(arn)")
        }
        let name = String(parsed.resource.dropFirst("table/".count))
        guard let meta = cachedTable(name), meta.arn == arn else {
            throw DynamoDBError.resourceNotFound("Requested resource not found: ResourcArn: \(arn) not found")
        }
        return meta
    }

    @Sendable func tagResource(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let meta = try tableForARN(input)
        guard let list = try input.array("Tags") else { throw DynamoDBError.constraint(nil, at: "tags", "Member must not be null") }
        try addTags(try Self.parseTags(list), to: meta)
        return [:]
    }

    /// Adds or replaces tags, keeping the table's order (TagResource, and the tagging API).
    func addTags(_ tags: [(key: String, value: String)], to table: TableMeta) throws {
        try mutateTable(table.name) { meta, _ in
            TagList.merge(tags, into: &meta.tags)
            if meta.tags.count > 50 { throw DynamoDBError.limitExceeded("Tag count exceeds the maximum of 50 tags per resource") }
        }
    }

    func removeTags(_ keys: Set<String>, from table: TableMeta) throws {
        try mutateTable(table.name) { meta, _ in meta.tags.removeAll { keys.contains($0.key) } }
    }

    @Sendable func untagResource(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let meta = try tableForARN(input)
        guard let keys = try input.array("TagKeys") else { throw DynamoDBError.constraint(nil, at: "tagKeys", "Member must not be null") }
        try removeTags(Set(keys.compactMap(\.stringValue)), from: meta)
        return [:]
    }

    static let tagPageSize = 100

    @Sendable func listTagsOfResource(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let meta = try tableForARN(input)
        let start = try input.string("NextToken").flatMap { Int($0) } ?? 0
        let page = meta.tags.dropFirst(start).prefix(Self.tagPageSize)
        var out = JSONObject()
        out["Tags"] = .array(page.map { ["Key": .string($0.key), "Value": .string($0.value)] })
        if start + page.count < meta.tags.count { out["NextToken"] = .string(String(start + page.count)) }
        return .object(out)
    }
}

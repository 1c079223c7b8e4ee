import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    @Sendable func listTables(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let limit = try input.int("Limit") ?? 100
        if limit < 1 || limit > 100 {
            throw DynamoDBError.constraint(String(limit), at: "limit", limit < 1 ? "Member must have value greater than or equal to 1" : "Member must have value less than or equal to 100")
        }
        let start = try input.string("ExclusiveStartTableName")
        var names = allTableNames().sorted()
        if let start { names = names.filter { $0 > start } }
        var out = JSONObject()
        out["TableNames"] = .array(names.prefix(limit).map { .string($0) })
        if names.count > limit { out["LastEvaluatedTableName"] = .string(names[limit - 1]) }
        return .object(out)
    }
}

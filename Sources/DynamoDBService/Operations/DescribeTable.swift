import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    func existingTable(_ input: OperationInput) throws -> TableMeta {
        let name = try Self.validateTableName(try input.string("TableName"))
        guard let meta = cachedTable(name) else { throw DynamoDBError.tableNotFound(name) }
        return meta
    }

    @Sendable func describeTable(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let meta = try existingTable(input)
        let stats = try database.read { db in try ItemStore.stats(db, meta) }
        return ["Table": meta.describe(stats: stats)]
    }
}

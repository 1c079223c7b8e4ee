import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    @Sendable func deleteTable(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let meta = try existingTable(input)
        if meta.deletionProtection {
            throw DynamoDBError.validation("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
        }
        let stats = try database.write { db in
            let stats = try ItemStore.stats(db, meta)
            try ItemStore.dropTable(db, meta)
            uncache(meta.name)
            return stats
        }
        return ["TableDescription": meta.describe(stats: stats, status: "DELETING")]
    }
}

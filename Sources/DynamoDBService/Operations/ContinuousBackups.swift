import AWSCore
import Foundation
import SandboxStorage

/// Point-in-time recovery settings: accepted and echoed (the sandbox keeps no backups).
extension DynamoDBService {
    @Sendable func describeContinuousBackups(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let meta = try backupTable(input)
        return ["ContinuousBackupsDescription": continuousBackups(meta)]
    }

    @Sendable func updateContinuousBackups(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try backupTable(input).name
        guard let spec = try input.object("PointInTimeRecoverySpecification"),
              let enabled = spec["PointInTimeRecoveryEnabled"]?.boolValue
        else {
            throw DynamoDBError.constraint(nil, at: "pointInTimeRecoverySpecification", "Member must not be null")
        }
        let meta = try mutateTable(name) { meta, _ in meta.pointInTimeRecovery = enabled }
        return ["ContinuousBackupsDescription": continuousBackups(meta)]
    }

    private func backupTable(_ input: OperationInput) throws -> TableMeta {
        let name = try Self.validateTableName(try input.string("TableName"))
        guard let meta = cachedTable(name) else { throw DynamoDBError.tableNotFoundException("Table not found: \(name)") }
        return meta
    }

    private func continuousBackups(_ meta: TableMeta) -> JSONValue {
        [
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": ["PointInTimeRecoveryStatus": meta.pointInTimeRecovery ? "ENABLED" : "DISABLED"],
        ]
    }
}

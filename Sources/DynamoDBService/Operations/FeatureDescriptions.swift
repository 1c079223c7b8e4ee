import AWSCore
import Foundation

/// Read-only answers for features the sandbox does not run (Kinesis streaming, Contributor
/// Insights, backups), shaped as AWS answers for a table that never enabled them — what
/// infrastructure tools read back after creating a table.
extension DynamoDBService {
    @Sendable func describeKinesisStreamingDestination(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let meta = try existingTable(input)
        return ["TableName": .string(meta.name), "KinesisDataStreamDestinations": []]
    }

    @Sendable func describeContributorInsights(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let meta = try existingTable(input)
        var out = JSONObject()
        out["TableName"] = .string(meta.name)
        out.set("IndexName", try input.string("IndexName").map { .string($0) })
        out["ContributorInsightsStatus"] = "DISABLED"
        return .object(out)
    }

    @Sendable func listBackups(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        ["BackupSummaries": []]
    }
}

import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    @Sendable func updateTimeToLive(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try existingTable(input).name
        guard let spec = try input.object("TimeToLiveSpecification") else {
            throw DynamoDBError.constraint(nil, at: "timeToLiveSpecification", "Member must not be null")
        }
        guard let enabled = spec["Enabled"]?.boolValue else {
            throw DynamoDBError.constraint(nil, at: "timeToLiveSpecification.enabled", "Member must not be null")
        }
        guard let attribute = spec["AttributeName"]?.stringValue, !attribute.isEmpty else {
            throw DynamoDBError.constraint(nil, at: "timeToLiveSpecification.attributeName", "Member must not be null")
        }
        try mutateTable(name) { meta, db in
            if enabled, meta.ttlEnabled { throw DynamoDBError.validation("TimeToLive is already enabled") }
            if !enabled, !meta.ttlEnabled { throw DynamoDBError.validation("TimeToLive is already disabled") }
            if !enabled, meta.ttlAttribute != attribute {
                throw DynamoDBError.validation("TimeToLive is active on a different AttributeName: current AttributeName is \(meta.ttlAttribute ?? "")")
            }
            meta.ttlEnabled = enabled
            meta.ttlAttribute = attribute
            try ItemStore.refreshTTL(db, meta)
        }
        return ["TimeToLiveSpecification": ["Enabled": .bool(enabled), "AttributeName": .string(attribute)]]
    }

    @Sendable func describeTimeToLive(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let meta = try existingTable(input)
        var d = JSONObject()
        d["TimeToLiveStatus"] = .string(meta.ttlEnabled ? "ENABLED" : "DISABLED")
        if meta.ttlEnabled, let a = meta.ttlAttribute { d["AttributeName"] = .string(a) }
        return ["TimeToLiveDescription": .object(d)]
    }
}

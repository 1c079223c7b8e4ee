import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    @Sendable func getItem(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let table = try table(forItemOperation: input)
        let key = try table.itemKey(fromKey: try parseKey(input))
        let ctx = try expressionContext(input, expressionMembers: ["ProjectionExpression"])
        let paths = try projection(input, ctx)
        try ctx.checkAllUsed()
        let consistent = try input.bool("ConsistentRead") ?? false
        let mode = try capacityMode(input)
        let stored = try database.pointRead { db in try ItemStore.get(db, table, key) }
        var out = JSONObject()
        if let stored {
            out["Item"] = Self.itemJSON(paths.map { Evaluator.project(stored.item, $0) } ?? stored.item)
        }
        let units = Self.readUnits(stored?.size ?? 0, consistent: consistent)
        meterRequestUnits(Capacity(table: units), read: true, table: table.name)
        out.set("ConsumedCapacity", consumedCapacity(mode, table: table.name, units: units, read: true))
        return .object(out)
    }
}

import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    @Sendable func deleteItem(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let table = try table(forItemOperation: input)
        try Self.checkNotMixed(input, legacy: "Expected", expressions: ["ConditionExpression"])
        let key = try table.itemKey(fromKey: try parseKey(input))
        let returnValues = try returnValuesOldOnly(input)
        let ctx = try expressionContext(input, expressionMembers: ["ConditionExpression"])
        let condition = try condition(input, ctx) ?? Self.legacyCondition(input, member: "Expected", allowExists: true)
        try ctx.checkAllUsed()
        let returnOld = try returnValuesOnFailure(input)
        let mode = try capacityMode(input)
        _ = try itemCollectionMetrics(input, table: table, item: nil)  // validates the enum before writing
        let old = try database.write { db -> ItemStore.StoredItem? in
            let table = try current(table)
            let old = try ItemStore.get(db, table, key)
            if let condition, !Evaluator.evaluate(condition, old?.item ?? [:]) {
                meterFailedConditionalWrite(old, table: table.name)
                throw DynamoDBError.conditionalCheckFailed(item: returnOld ? old.map { AttributeValue.itemJSON($0.item) } : nil)
            }
            if let old { try ItemStore.delete(db, table, key, old: old.item) }
            return old
        }
        var out = JSONObject()
        if returnValues == "ALL_OLD", let old { out["Attributes"] = Self.itemJSON(old.item) }
        out.set("ItemCollectionMetrics", try itemCollectionMetrics(input, table: table, item: old?.item))
        if mode != .none || metersUsage {
            let capacity = writeCapacity(table, old: old, new: nil, newSize: 0)
            meterRequestUnits(capacity, read: false, table: table.name)
            out.set("ConsumedCapacity", consumedCapacity(mode, table: table.name, capacity))
        }
        return .object(out)
    }
}

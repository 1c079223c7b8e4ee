import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    @Sendable func putItem(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let table = try table(forItemOperation: input)
        try Self.checkNotMixed(input, legacy: "Expected", expressions: ["ConditionExpression"])
        guard let itemJSON = input["Item"] else { throw DynamoDBError.constraint(nil, at: "item", "Member must not be null") }
        let item = try AttributeValue.parseItem(itemJSON)
        let key = try table.itemKey(ofItem: item)
        let size = try Self.checkItemSize(item)
        for index in table.indexes { _ = try table.indexKey(index, of: item) }
        let returnValues = try returnValuesOldOnly(input)
        let ctx = try expressionContext(input, expressionMembers: ["ConditionExpression"])
        let condition = try condition(input, ctx) ?? Self.legacyCondition(input, member: "Expected", allowExists: true)
        try ctx.checkAllUsed()
        let returnOld = try returnValuesOnFailure(input)
        let mode = try capacityMode(input)
        _ = try itemCollectionMetrics(input, table: table, item: nil)  // validates the enum before writing
        let needOld = condition != nil || returnValues == "ALL_OLD" || !table.indexes.isEmpty || mode != .none || metersUsage
        let old = try database.write { db -> ItemStore.StoredItem? in
            let table = try current(table)
            let old = needOld ? try ItemStore.get(db, table, key) : nil
            if let condition, !Evaluator.evaluate(condition, old?.item ?? [:]) {
                meterFailedConditionalWrite(old, table: table.name)
                throw DynamoDBError.conditionalCheckFailed(item: returnOld ? old.map { AttributeValue.itemJSON($0.item) } : nil)
            }
            try ItemStore.put(db, table, key, item, size: size, old: old?.item)
            return old
        }
        var out = JSONObject()
        if returnValues == "ALL_OLD", let old { out["Attributes"] = Self.itemJSON(old.item) }
        out.set("ItemCollectionMetrics", try itemCollectionMetrics(input, table: table, item: item))
        if mode != .none || metersUsage {
            let capacity = writeCapacity(table, old: old, new: item, newSize: size)
            meterRequestUnits(capacity, read: false, table: table.name)
            out.set("ConsumedCapacity", consumedCapacity(mode, table: table.name, capacity))
        }
        return .object(out)
    }
}

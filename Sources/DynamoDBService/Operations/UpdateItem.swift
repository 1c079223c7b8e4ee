import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    static let returnValuesChoices: Set<String> = ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"]

    /// PutItem and DeleteItem take only NONE or ALL_OLD.
    func returnValuesOldOnly(_ input: OperationInput) throws -> String {
        let value = try input.string("ReturnValues") ?? "NONE"
        guard Self.returnValuesChoices.contains(value) else {
            throw DynamoDBError.constraint(value, at: "returnValues", "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")
        }
        guard value == "NONE" || value == "ALL_OLD" else { throw DynamoDBError.validation("Return values set to invalid value") }
        return value
    }

    /// Parses an UpdateExpression and rejects updates of key attributes.
    func updateProgram(_ text: String?, table: TableMeta, _ ctx: ExpressionContext) throws -> UpdateProgram? {
        guard let text else { return nil }
        let program = try ExpressionParser.parseUpdate(text, context: ctx)
        for action in program.actions where table.keyNames.contains(action.path.root) {
            throw DynamoDBError.invalidParameter("Cannot update attribute \(action.path.root). This attribute is part of the key")
        }
        return program
    }

    @Sendable func updateItem(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let table = try table(forItemOperation: input)
        try Self.checkNotMixed(input, legacy: "Expected", expressions: ["ConditionExpression"])
        try Self.checkNotMixed(input, legacy: "AttributeUpdates", expressions: ["UpdateExpression"])
        let keyItem = try parseKey(input)
        let key = try table.itemKey(fromKey: keyItem)
        let returnValues = try input.string("ReturnValues") ?? "NONE"
        guard Self.returnValuesChoices.contains(returnValues) else {
            throw DynamoDBError.constraint(returnValues, at: "returnValues", "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")
        }
        let ctx = try expressionContext(input, expressionMembers: ["ConditionExpression", "UpdateExpression"])
        let program = try updateProgram(try input.string("UpdateExpression"), table: table, ctx) ?? Self.legacyUpdates(input, table: table)
        let condition = try condition(input, ctx) ?? Self.legacyCondition(input, member: "Expected", allowExists: true)
        try ctx.checkAllUsed()
        let returnOld = try returnValuesOnFailure(input)
        let mode = try capacityMode(input)
        _ = try itemCollectionMetrics(input, table: table, item: nil)  // validates the enum before writing
        let (old, new, size) = try database.write { db -> (ItemStore.StoredItem?, Item, Int) in
            let table = try current(table)
            let old = try ItemStore.get(db, table, key)
            if let condition, !Evaluator.evaluate(condition, old?.item ?? [:]) {
                meterFailedConditionalWrite(old, table: table.name)
                throw DynamoDBError.conditionalCheckFailed(item: returnOld ? old.map { AttributeValue.itemJSON($0.item) } : nil)
            }
            let base = old?.item ?? keyItem
            let new = try program.map { try UpdateApplier.apply($0, to: base) } ?? base
            let size = try Self.checkItemSize(new, update: true)
            try ItemStore.put(db, table, key, new, size: size, old: old?.item)
            return (old, new, size)
        }
        var out = JSONObject()
        let updatedPaths = program?.actions.map(\.path) ?? []
        switch returnValues {
        case "ALL_OLD": if let old { out["Attributes"] = Self.itemJSON(old.item) }
        case "ALL_NEW": out["Attributes"] = Self.itemJSON(new)
        case "UPDATED_OLD":
            let p = Evaluator.project(old?.item ?? [:], updatedPaths)
            if !p.isEmpty { out["Attributes"] = Self.itemJSON(p) }
        case "UPDATED_NEW":
            let p = Evaluator.project(new, updatedPaths)
            if !p.isEmpty { out["Attributes"] = Self.itemJSON(p) }
        default: break
        }
        out.set("ItemCollectionMetrics", try itemCollectionMetrics(input, table: table, item: new))
        if mode != .none || metersUsage {
            let capacity = writeCapacity(table, old: old, new: new, newSize: size)
            meterRequestUnits(capacity, read: false, table: table.name)
            out.set("ConsumedCapacity", consumedCapacity(mode, table: table.name, capacity))
        }
        return .object(out)
    }
}

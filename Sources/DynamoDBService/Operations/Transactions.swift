import AWSCore
import SandboxStorage
import Foundation

extension DynamoDBService {
    static let transactionLimit = 100

    private enum TransactAction {
        case conditionCheck(Condition)
        case put(Item, Int, Condition?)
        case delete(Condition?)
        case update(UpdateProgram?, Item, Condition?)
    }

    private struct TransactEntry {
        var table: TableMeta
        var key: ItemKey
        var action: TransactAction
        var returnOld: Bool
    }

    @Sendable func transactWriteItems(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        guard let list = try input.array("TransactItems") else {
            throw DynamoDBError.constraint(nil, at: "transactItems", "Member must not be null")
        }
        if list.isEmpty || list.count > Self.transactionLimit {
            throw DynamoDBError.validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length \(list.isEmpty ? "greater than or equal to 1" : "less than or equal to 100")")
        }
        let token = try input.string("ClientRequestToken")
        let fingerprint = JSONValue.object(input.members.filter { $0.key != "ReturnConsumedCapacity" }.reduce(into: JSONObject()) { $0[$1.key] = $1.value }).serializedString()
        if let token, let previous = recentTransaction(token) {
            guard previous.fingerprint == fingerprint else {
                throw DynamoDBError.idempotentParameterMismatch("Request parameters do not match the parameters of the previous request with the same idempotency token")
            }
            return previous.reply
        }
        let mode = try capacityMode(input)
        var entries: [TransactEntry] = []
        var seen = Set<String>()
        for element in list {
            guard case .object(let wrapper) = element, wrapper.count == 1, let (kind, body) = wrapper.first(where: { _ in true }),
                  case .object(let bodyObject) = body
            else {
                throw DynamoDBError.validation("TransactItems can only contain one of Check, Put, Update or Delete")
            }
            let op = OperationInput(members: bodyObject)
            let meta = try table(forItemOperation: op)
            let returnOld = try returnValuesOnFailure(op)
            let members = kind == "Update" ? ["ConditionExpression", "UpdateExpression"] : ["ConditionExpression"]
            let ctx = try expressionContext(op, expressionMembers: members)
            let entry: TransactEntry
            switch kind {
            case "ConditionCheck":
                let key = try meta.itemKey(fromKey: try parseKey(op))
                guard let c = try condition(op, ctx) else {
                    throw DynamoDBError.constraint(nil, at: "transactItems.1.member.conditionCheck.conditionExpression", "Member must not be null")
                }
                entry = TransactEntry(table: meta, key: key, action: .conditionCheck(c), returnOld: returnOld)
            case "Put":
                guard let itemJSON = op["Item"] else { throw DynamoDBError.constraint(nil, at: "item", "Member must not be null") }
                let item = try AttributeValue.parseItem(itemJSON)
                let key = try meta.itemKey(ofItem: item)
                let size = try Self.checkItemSize(item)
                for index in meta.indexes { _ = try meta.indexKey(index, of: item) }
                entry = TransactEntry(table: meta, key: key, action: .put(item, size, try condition(op, ctx)), returnOld: returnOld)
            case "Delete":
                let key = try meta.itemKey(fromKey: try parseKey(op))
                entry = TransactEntry(table: meta, key: key, action: .delete(try condition(op, ctx)), returnOld: returnOld)
            case "Update":
                let keyItem = try parseKey(op)
                let key = try meta.itemKey(fromKey: keyItem)
                guard let text = try op.string("UpdateExpression") else {
                    throw DynamoDBError.constraint(nil, at: "transactItems.1.member.update.updateExpression", "Member must not be null")
                }
                let program = try updateProgram(text, table: meta, ctx)
                entry = TransactEntry(table: meta, key: key, action: .update(program, keyItem, try condition(op, ctx)), returnOld: returnOld)
            default:
                throw DynamoDBError.validation("TransactItems can only contain one of Check, Put, Update or Delete")
            }
            try ctx.checkAllUsed()
            let identity = "\(meta.storageID)|\(entry.key.hk)|\(entry.key.rk)"
            if !seen.insert(identity).inserted {
                throw DynamoDBError.validation("Transaction request cannot include multiple operations on one item")
            }
            entries.append(entry)
        }

        let units = try database.write { db -> [String: Capacity] in
            var reasons: [JSONValue] = []
            var failed = false
            var planned: [(TransactEntry, ItemStore.StoredItem?, Item?, Int)] = []
            for var entry in entries {
                entry.table = try current(entry.table)
                let old = try ItemStore.get(db, entry.table, entry.key)
                let current = old?.item ?? [:]
                let cond: Condition?
                switch entry.action {
                case .conditionCheck(let c): cond = c
                case .put(_, _, let c), .delete(let c), .update(_, _, let c): cond = c
                }
                if let cond, !Evaluator.evaluate(cond, current) {
                    failed = true
                    var r = JSONObject()
                    if entry.returnOld, let old { r["Item"] = Self.itemJSON(old.item) }
                    r["Code"] = "ConditionalCheckFailed"
                    r["Message"] = "The conditional request failed"
                    reasons.append(.object(r))
                    continue
                }
                do {
                    switch entry.action {
                    case .conditionCheck:
                        planned.append((entry, old, nil, 0))
                    case .put(let item, let size, _):
                        planned.append((entry, old, item, size))
                    case .delete:
                        planned.append((entry, old, nil, old?.size ?? 0))
                    case .update(let program, let keyItem, _):
                        let base = old?.item ?? keyItem
                        let new = try program.map { try UpdateApplier.apply($0, to: base) } ?? base
                        let size = try Self.checkItemSize(new, update: true)
                        for index in entry.table.indexes { _ = try entry.table.indexKey(index, of: new) }
                        planned.append((entry, old, new, size))
                    }
                    reasons.append(["Code": "None"])
                } catch let error as DynamoDBError {
                    failed = true
                    reasons.append(["Code": "ValidationError", "Message": .string(error.message)])
                }
            }
            if failed {
                let codes = reasons.map { $0["Code"]?.stringValue ?? "None" }.joined(separator: ", ")
                throw DynamoDBError.transactionCanceled(
                    message: "Transaction cancelled, please refer cancellation reasons for specific reasons [\(codes)]", reasons: reasons)
            }
            // Transactional reads and writes cost twice the standard units.
            var units: [String: Capacity] = [:]
            for (entry, old, new, size) in planned {
                var cost: Capacity
                switch entry.action {
                case .conditionCheck:
                    cost = Capacity(table: 2 * Self.readUnits(old?.size ?? 0, consistent: true))
                case .delete:
                    if let old { try ItemStore.delete(db, entry.table, entry.key, old: old.item) }
                    cost = writeCapacity(entry.table, old: old, new: nil, newSize: 0)
                default:
                    try ItemStore.put(db, entry.table, entry.key, new!, size: size, old: old?.item)
                    cost = writeCapacity(entry.table, old: old, new: new, newSize: size)
                }
                if case .conditionCheck = entry.action {} else {
                    cost = Capacity(table: 2 * cost.table, globalIndexes: cost.globalIndexes.mapValues { 2 * $0 },
                                    localIndexes: cost.localIndexes.mapValues { 2 * $0 })
                }
                units[entry.table.name] = (units[entry.table.name] ?? Capacity()) + cost
            }
            return units
        }
        for (table, capacity) in units { meterRequestUnits(capacity, read: false, table: table) }
        var out = JSONObject()
        if mode != .none {
            out["ConsumedCapacity"] = .array(units.keys.sorted().compactMap { consumedCapacity(mode, table: $0, units[$0]!) })
        }
        let reply = JSONValue.object(out)
        if let token { rememberTransaction(token, fingerprint: fingerprint, reply: reply) }
        return reply
    }

    @Sendable func transactGetItems(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        guard let list = try input.array("TransactItems") else {
            throw DynamoDBError.constraint(nil, at: "transactItems", "Member must not be null")
        }
        if list.isEmpty || list.count > Self.transactionLimit {
            throw DynamoDBError.validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length \(list.isEmpty ? "greater than or equal to 1" : "less than or equal to 100")")
        }
        let mode = try capacityMode(input)
        var gets: [(TableMeta, ItemKey, [DocumentPath]?)] = []
        var seen = Set<String>()
        for element in list {
            guard case .object(let get)? = element["Get"] else {
                throw DynamoDBError.constraint(nil, at: "transactItems.1.member.get", "Member must not be null")
            }
            let op = OperationInput(members: get)
            let meta = try table(forItemOperation: op)
            let key = try meta.itemKey(fromKey: try parseKey(op))
            let ctx = try expressionContext(op, expressionMembers: ["ProjectionExpression"])
            let paths = try projection(op, ctx)
            try ctx.checkAllUsed()
            if !seen.insert("\(meta.storageID)|\(key.hk)|\(key.rk)").inserted {
                throw DynamoDBError.validation("Transaction request cannot include multiple operations on one item")
            }
            gets.append((meta, key, paths))
        }
        var units: [String: Double] = [:]
        let responses = try database.write { db -> [JSONValue] in
            try gets.map { meta, key, paths in
                let stored = try ItemStore.get(db, meta, key)
                units[meta.name, default: 0] += 2 * Self.readUnits(stored?.size ?? 0, consistent: true)
                guard let stored else { return .object(JSONObject()) }
                return ["Item": Self.itemJSON(paths.map { Evaluator.project(stored.item, $0) } ?? stored.item)]
            }
        }
        for (table, read) in units { meterRequestUnits(Capacity(table: read), read: true, table: table) }
        var out = JSONObject()
        out["Responses"] = .array(responses)
        if mode != .none {
            out["ConsumedCapacity"] = .array(units.keys.sorted().compactMap { consumedCapacity(mode, table: $0, units: units[$0]!, read: true) })
        }
        return .object(out)
    }
}

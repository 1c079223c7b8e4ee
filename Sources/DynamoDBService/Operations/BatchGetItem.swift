import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    @Sendable func batchGetItem(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        guard let requestItems = try input.object("RequestItems"), !requestItems.isEmpty else {
            throw DynamoDBError.validation("The requestItems parameter is required for BatchGetItem")
        }
        let mode = try capacityMode(input)
        struct TableRead {
            var meta: TableMeta
            var keys: [(ItemKey, Item)]
            var paths: [DocumentPath]?
            var consistent: Bool
        }
        var reads: [TableRead] = []
        var total = 0
        for (tableName, spec) in requestItems {
            let name = try Self.validateTableName(tableName)
            guard case .object(let specObject) = spec else {
                throw DynamoDBError.serialization("Unexpected value type for RequestItems: expected structure, got \(spec.kindName)")
            }
            let specInput = OperationInput(members: specObject)
            guard let keysJSON = try specInput.array("Keys") else {
                throw DynamoDBError.constraint(nil, at: "requestItems.\(tableName).member.keys", "Member must not be null")
            }
            total += keysJSON.count
            if total > 100 {
                throw DynamoDBError.validation("Too many items requested for the BatchGetItem call")
            }
            guard let meta = cachedTable(name) else { throw DynamoDBError.resourceNotFoundPlain }
            let ctx = try expressionContext(specInput, expressionMembers: ["ProjectionExpression"])
            let paths = try projection(specInput, ctx)
            try ctx.checkAllUsed()
            var keys: [(ItemKey, Item)] = []
            var seen = Set<ItemKey>()
            for k in keysJSON {
                let keyItem = try AttributeValue.parseItem(k, member: "Key")
                let key = try meta.itemKey(fromKey: keyItem)
                if !seen.insert(key).inserted {
                    throw DynamoDBError.validation("Provided list of item keys contains duplicates")
                }
                keys.append((key, keyItem))
            }
            reads.append(TableRead(meta: meta, keys: keys, paths: paths, consistent: try specInput.bool("ConsistentRead") ?? false))
        }
        var responses = JSONObject()
        var capacities: [JSONValue] = []
        try database.read { db in
            for read in reads {
                var items: [JSONValue] = []
                var units = 0.0
                for (key, _) in read.keys {
                    let stored = try ItemStore.get(db, read.meta, key)
                    units += Self.readUnits(stored?.size ?? 0, consistent: read.consistent)
                    if let stored { items.append(Self.itemJSON(read.paths.map { Evaluator.project(stored.item, $0) } ?? stored.item)) }
                }
                responses[read.meta.name] = .array(items)
                meterRequestUnits(Capacity(table: units), read: true, table: read.meta.name)
                if let c = consumedCapacity(mode, table: read.meta.name, units: units, read: true) { capacities.append(c) }
            }
        }
        var out = JSONObject()
        out["Responses"] = .object(responses)
        out["UnprocessedKeys"] = .object(JSONObject())
        if mode != .none { out["ConsumedCapacity"] = .array(capacities) }
        return .object(out)
    }
}

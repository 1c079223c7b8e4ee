import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    @Sendable func batchWriteItem(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        guard let requestItems = try input.object("RequestItems"), !requestItems.isEmpty else {
            throw DynamoDBError.validation("The requestItems parameter is required for BatchWriteItem")
        }
        let mode = try capacityMode(input)
        enum Write {
            case put(ItemKey, Item, Int)
            case delete(ItemKey)
        }
        var plan: [(TableMeta, [Write])] = []
        var total = 0
        for (tableName, requests) in requestItems {
            let name = try Self.validateTableName(tableName)
            guard case .array(let list) = requests else {
                throw DynamoDBError.serialization("Unexpected value type for RequestItems: expected list, got \(requests.kindName)")
            }
            if list.isEmpty || list.count > 25 {
                throw DynamoDBError.validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]")
            }
            total += list.count
            if total > 25 {
                throw DynamoDBError.validation("Too many items requested for the BatchWriteItem call")
            }
            guard let meta = cachedTable(name) else { throw DynamoDBError.resourceNotFoundPlain }
            var writes: [Write] = []
            var seen = Set<ItemKey>()
            for request in list {
                if let put = request["PutRequest"] {
                    guard let itemJSON = put["Item"] else { throw DynamoDBError.constraint(nil, at: "item", "Member must not be null") }
                    let item = try AttributeValue.parseItem(itemJSON)
                    let key = try meta.itemKey(ofItem: item)
                    let size = try Self.checkItemSize(item)
                    for index in meta.indexes { _ = try meta.indexKey(index, of: item) }
                    if !seen.insert(key).inserted { throw DynamoDBError.validation("Provided list of item keys contains duplicates") }
                    writes.append(.put(key, item, size))
                } else if let delete = request["DeleteRequest"] {
                    guard let keyJSON = delete["Key"] else { throw DynamoDBError.constraint(nil, at: "key", "Member must not be null") }
                    let key = try meta.itemKey(fromKey: try AttributeValue.parseItem(keyJSON, member: "Key"))
                    if !seen.insert(key).inserted { throw DynamoDBError.validation("Provided list of item keys contains duplicates") }
                    writes.append(.delete(key))
                } else {
                    throw DynamoDBError.validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
                }
            }
            plan.append((meta, writes))
        }
        var capacities: [JSONValue] = []
        try database.write { db in
            for (planned, writes) in plan {
                let meta = try current(planned)
                var capacity = Capacity()
                for write in writes {
                    switch write {
                    case .put(let key, let item, let size):
                        let old = meta.indexes.isEmpty && mode == .none && !metersUsage ? nil : try ItemStore.get(db, meta, key)
                        try ItemStore.put(db, meta, key, item, size: size, old: old?.item)
                        if mode != .none || metersUsage { capacity = capacity + writeCapacity(meta, old: old, new: item, newSize: size) }
                    case .delete(let key):
                        let old = try ItemStore.get(db, meta, key)
                        if let old { try ItemStore.delete(db, meta, key, old: old.item) }
                        if mode != .none || metersUsage { capacity = capacity + writeCapacity(meta, old: old, new: nil, newSize: 0) }
                    }
                }
                meterRequestUnits(capacity, read: false, table: meta.name)
                if let c = consumedCapacity(mode, table: meta.name, capacity) { capacities.append(c) }
            }
        }
        var out = JSONObject()
        out["UnprocessedItems"] = .object(JSONObject())
        if mode != .none { out["ConsumedCapacity"] = .array(capacities) }
        return .object(out)
    }
}

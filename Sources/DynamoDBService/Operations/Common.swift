import AWSCore
import SandboxStorage
import Foundation

/// Per-request helpers shared by the item operations.
extension DynamoDBService {
    enum CapacityMode: String {
        case none = "NONE", total = "TOTAL", indexes = "INDEXES"
    }

    static let maxItemBytes = 400 * 1024

    func capacityMode(_ input: OperationInput) throws -> CapacityMode {
        guard let raw = try input.string("ReturnConsumedCapacity") else { return .none }
        guard let mode = CapacityMode(rawValue: raw) else {
            throw DynamoDBError.constraint(raw, at: "returnConsumedCapacity", "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]")
        }
        return mode
    }

    static func units(_ value: Double) -> JSONValue {
        value.rounded() == value ? .number(String(format: "%.1f", value)) : .number(String(value))
    }

    /// Capacity units one request consumed on a table and its indexes.
    struct Capacity {
        var table: Double = 0
        var globalIndexes: [String: Double] = [:]
        var localIndexes: [String: Double] = [:]

        var total: Double { table + globalIndexes.values.reduce(0, +) + localIndexes.values.reduce(0, +) }

        static func + (a: Capacity, b: Capacity) -> Capacity {
            Capacity(table: a.table + b.table,
                     globalIndexes: a.globalIndexes.merging(b.globalIndexes, uniquingKeysWith: +),
                     localIndexes: a.localIndexes.merging(b.localIndexes, uniquingKeysWith: +))
        }
    }

    /// `ConsumedCapacity` for one table, or nil when not asked for.
    func consumedCapacity(_ mode: CapacityMode, table: String, units: Double, read: Bool) -> JSONValue? {
        consumedCapacity(mode, table: table, Capacity(table: units))
    }

    /// TOTAL: the table name and all units; INDEXES adds the table's and each index's share.
    func consumedCapacity(_ mode: CapacityMode, table: String, _ capacity: Capacity) -> JSONValue? {
        guard mode != .none else { return nil }
        var o = JSONObject()
        o["TableName"] = .string(table)
        o["CapacityUnits"] = Self.units(capacity.total)
        if mode == .indexes {
            o["Table"] = ["CapacityUnits": Self.units(capacity.table)]
            func indexes(_ map: [String: Double]) -> JSONValue {
                .object(JSONObject(map.keys.sorted().map { ($0, ["CapacityUnits": Self.units(map[$0]!)] as JSONValue) }))
            }
            if !capacity.localIndexes.isEmpty { o["LocalSecondaryIndexes"] = indexes(capacity.localIndexes) }
            if !capacity.globalIndexes.isEmpty { o["GlobalSecondaryIndexes"] = indexes(capacity.globalIndexes) }
        }
        return .object(o)
    }

    /// Write units for a table item going from `old` to `new`, plus each index entry written or
    /// removed on the way (an index whose key changes costs a delete and a put).
    func writeCapacity(_ table: TableMeta, old: ItemStore.StoredItem?, new: Item?, newSize: Int) -> Capacity {
        var c = Capacity(table: Self.writeUnits(max(newSize, old?.size ?? 0)))
        for index in table.indexes {
            let oldKey = old.flatMap { try? table.indexKey(index, of: $0.item) }
            let newKey = new.flatMap { try? table.indexKey(index, of: $0) }
            let oldProjected = oldKey.map { _ in table.project(old!.item, for: index) }
            let newProjected = newKey.map { _ in table.project(new!, for: index) }
            var units = 0.0
            if oldKey != nil, oldKey == newKey {
                if oldProjected != newProjected { units = Self.writeUnits(AttributeValue.itemSize(newProjected!)) }
            } else {
                if let p = oldProjected { units += Self.writeUnits(AttributeValue.itemSize(p)) }
                if let p = newProjected { units += Self.writeUnits(AttributeValue.itemSize(p)) }
            }
            guard units > 0 else { continue }
            if index.isGlobal { c.globalIndexes[index.name] = units } else { c.localIndexes[index.name] = units }
        }
        return c
    }

    static func writeUnits(_ size: Int) -> Double { Double(max(1, (size + 1023) / 1024)) }
    static func readUnits(_ size: Int, consistent: Bool) -> Double {
        let units = Double(max(1, (size + 4095) / 4096))
        return consistent ? units : units / 2
    }

    /// Builds the placeholder context, rejecting names/values given without any expression.
    func expressionContext(_ input: OperationInput, expressionMembers: [String]) throws -> ExpressionContext {
        let names = try input.object("ExpressionAttributeNames")
        let values = try input.object("ExpressionAttributeValues")
        let used = try expressionMembers.filter { try input.string($0) != nil }
        if used.isEmpty {
            if names != nil { throw DynamoDBError.validation("ExpressionAttributeNames can only be specified when using expressions") }
            if values != nil { throw DynamoDBError.validation("ExpressionAttributeValues can only be specified when using expressions") }
        }
        return try ExpressionContext(names: names, values: values)
    }

    /// `ProjectionExpression`, or legacy `AttributesToGet` as top-level paths.
    func projection(_ input: OperationInput, _ context: ExpressionContext) throws -> [DocumentPath]? {
        let expression = try input.string("ProjectionExpression")
        if let attrs = try input.array("AttributesToGet") {
            if expression != nil {
                throw DynamoDBError.validation("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}")
            }
            return attrs.compactMap(\.stringValue).map { DocumentPath(elements: [.name($0)]) }
        }
        guard let expression else { return nil }
        return try ExpressionParser.parseProjection(expression, context: context)
    }

    func condition(_ input: OperationInput, member: String = "ConditionExpression", kind: ExpressionKind = .condition,
                   _ context: ExpressionContext) throws -> Condition? {
        guard let text = try input.string(member) else { return nil }
        return try ExpressionParser.parseCondition(text, kind: kind, context: context)
    }

    func parseKey(_ input: OperationInput, member: String = "Key") throws -> Item {
        guard let json = input[member] else {
            throw DynamoDBError.constraint(nil, at: member.prefix(1).lowercased() + member.dropFirst(), "Member must not be null")
        }
        return try AttributeValue.parseItem(json, member: member)
    }

    func returnValuesOnFailure(_ input: OperationInput) throws -> Bool {
        guard let raw = try input.string("ReturnValuesOnConditionCheckFailure") else { return false }
        guard raw == "ALL_OLD" || raw == "NONE" else {
            throw DynamoDBError.constraint(raw, at: "returnValuesOnConditionCheckFailure", "Member must satisfy enum value set: [ALL_OLD, NONE]")
        }
        return raw == "ALL_OLD"
    }

    /// `ItemCollectionMetrics` for ReturnItemCollectionMetrics=SIZE: only tables with local
    /// secondary indexes have item collections.
    func itemCollectionMetrics(_ input: OperationInput, table: TableMeta, item: Item?) throws -> JSONValue? {
        guard let mode = try input.string("ReturnItemCollectionMetrics") else { return nil }
        guard mode == "SIZE" || mode == "NONE" else {
            throw DynamoDBError.constraint(mode, at: "returnItemCollectionMetrics", "Member must satisfy enum value set: [SIZE, NONE]")
        }
        guard mode == "SIZE", !table.lsis.isEmpty, let key = item?[table.hashKey.name] else { return nil }
        return ["ItemCollectionKey": .object(JSONObject([(table.hashKey.name, key.json)])), "SizeEstimateRangeGB": [.number("0.0"), .number("1.0")]]
    }

    static func itemJSON(_ item: Item) -> JSONValue { .object(AttributeValue.itemJSON(item)) }

    static func checkItemSize(_ item: Item, update: Bool = false) throws -> Int {
        let size = AttributeValue.itemSize(item)
        if size > maxItemBytes {
            throw DynamoDBError.validation(update ? "Item size to update has exceeded the maximum allowed size" : "Item size has exceeded the maximum allowed size")
        }
        return size
    }
}

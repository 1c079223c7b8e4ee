import AWSCore
import Foundation
import SandboxStorage

/// The part Query and Scan share: Select, projection, filter, Limit, the 1 MB page rule,
/// ExclusiveStartKey/LastEvaluatedKey.
extension DynamoDBService {
    static let pageBytes = 1024 * 1024

    struct ReadRequest {
        var table: TableMeta
        var index: IndexMeta?
        var filter: Condition?
        var projection: [DocumentPath]?
        var select: String
        var limit: Int?
        var after: ItemStore.Position?
        var consistent: Bool
        var segment: (Int, Int)?
        /// False when an LSI query asks for ALL_ATTRIBUTES (DynamoDB fetches them from the table).
        var projectToIndex: Bool
    }

    func readRequest(_ input: OperationInput, kind: String, ctx: ExpressionContext) throws -> ReadRequest {
        let table = try table(forItemOperation: input)
        var index: IndexMeta?
        if let indexName = try input.string("IndexName") {
            guard let i = table.index(named: indexName) else {
                throw DynamoDBError.validation("The table does not have the specified index: \(indexName)")
            }
            index = i
        }
        let consistent = try input.bool("ConsistentRead") ?? false
        if consistent, index?.isGlobal == true {
            throw DynamoDBError.validation("Consistent reads are not supported on global secondary indexes")
        }
        if let limit = try input.int("Limit"), limit < 1 {
            throw DynamoDBError.constraint(String(limit), at: "limit", "Member must have value greater than or equal to 1")
        }
        let paths = try projection(input, ctx)
        var select = try input.string("Select") ?? (paths != nil ? "SPECIFIC_ATTRIBUTES" : (index != nil ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES"))
        let choices = ["ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT"]
        guard choices.contains(select) else {
            throw DynamoDBError.constraint(select, at: "select", "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]")
        }
        if paths != nil, select != "SPECIFIC_ATTRIBUTES" {
            throw DynamoDBError.validation("Cannot specify the AttributesToGet, ProjectionExpression when choosing to get \(select == "COUNT" ? "only the Count" : select)")
        }
        if select == "ALL_PROJECTED_ATTRIBUTES", index == nil {
            throw DynamoDBError.validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
        }
        if select == "ALL_ATTRIBUTES", let index, index.isGlobal, index.projectionType != "ALL" {
            throw DynamoDBError.invalidParameter("Select type ALL_ATTRIBUTES is not supported for global secondary index \(index.name) because its projection type is not ALL")
        }
        let projectToIndex = index != nil && !(index?.isGlobal == false && select == "ALL_ATTRIBUTES")
        if select == "ALL_PROJECTED_ATTRIBUTES" { select = "ALL_ATTRIBUTES" }
        let filter = try condition(input, member: "FilterExpression", kind: .filter, ctx)
        var after: ItemStore.Position?
        if let start = input["ExclusiveStartKey"] {
            after = try startPosition(try AttributeValue.parseItem(start, member: "ExclusiveStartKey"), table: table, index: index)
        }
        return ReadRequest(table: table, index: index, filter: filter, projection: paths, select: select,
                           limit: try input.int("Limit"), after: after, consistent: consistent, segment: nil,
                           projectToIndex: projectToIndex)
    }

    private func startPosition(_ key: Item, table: TableMeta, index: IndexMeta?) throws -> ItemStore.Position {
        let invalid = DynamoDBError.validation("The provided starting key is invalid: The provided key element does not match the schema")
        var tableKey: Item = [:]
        tableKey[table.hashKey.name] = key[table.hashKey.name]
        if let r = table.rangeKey { tableKey[r.name] = key[r.name] }
        guard let k = try? table.itemKey(fromKey: tableKey) else { throw invalid }
        var ik: ItemKey?
        if let index {
            guard let indexKey = try? table.indexKey(index, of: key) else { throw invalid }
            ik = indexKey
        }
        return ItemStore.Position(indexKey: ik, key: k)
    }

    struct ReadResult {
        var items: [Item] = []
        var count = 0
        var scanned = 0
        var lastKey: Item?
        var bytes = 0
    }

    /// Runs a read through `reader` (which visits rows in order) applying the page rules.
    func runRead(_ request: ReadRequest, _ reader: (ItemStore.Position?, (ItemStore.Row) throws -> Bool) throws -> Void) throws -> ReadResult {
        var result = ReadResult()
        var last: Item?
        var stoppedEarly = false
        try reader(request.after) { row in
            if let (segment, total) = request.segment, Self.segment(of: row.key.hk, total: total) != segment { return true }
            if result.bytes > 0, result.bytes + row.stored.size > Self.pageBytes {
                stoppedEarly = true
                return false
            }
            result.bytes += row.stored.size
            result.scanned += 1
            var item = row.stored.item
            if let index = request.index, request.projectToIndex { item = request.table.project(item, for: index) }
            last = item
            if request.filter.map({ Evaluator.evaluate($0, item) }) ?? true {
                result.count += 1
                if request.select != "COUNT" {
                    result.items.append(request.projection.map { Evaluator.project(item, $0) } ?? item)
                }
            }
            if let limit = request.limit, result.scanned >= limit {
                stoppedEarly = true
                return false
            }
            return true
        }
        if stoppedEarly, let last {
            var key = request.table.keyAttributes(of: last)
            if let index = request.index {
                key[index.hashKey.name] = last[index.hashKey.name]
                if let r = index.rangeKey { key[r.name] = last[r.name] }
            }
            result.lastKey = key
        }
        return result
    }

    /// Which parallel-scan segment a partition key belongs to (stable FNV-1a hash).
    static func segment(of hk: [UInt8], total: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in hk {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return Int(h % UInt64(total))
    }

    func readReply(_ request: ReadRequest, _ result: ReadResult, mode: CapacityMode) -> JSONValue {
        var out = JSONObject()
        if request.select != "COUNT" { out["Items"] = .array(result.items.map(Self.itemJSON)) }
        out["Count"] = .int(result.count)
        out["ScannedCount"] = .int(result.scanned)
        if let key = result.lastKey { out["LastEvaluatedKey"] = Self.itemJSON(key) }
        let units = Self.readUnits(result.bytes, consistent: request.consistent)
        var capacity = Capacity()
        if let index = request.index {
            if index.isGlobal { capacity.globalIndexes[index.name] = units } else { capacity.localIndexes[index.name] = units }
        } else {
            capacity.table = units
        }
        meterRequestUnits(capacity, read: true, table: request.table.name)
        out.set("ConsumedCapacity", consumedCapacity(mode, table: request.table.name, capacity))
        return .object(out)
    }
}

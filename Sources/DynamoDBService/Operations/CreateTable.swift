import AWSCore
import SandboxStorage
import Foundation

extension DynamoDBService {
    static func parseKeySchema(_ value: JSONValue?, member: String) throws -> (hash: String, range: String?) {
        guard let list = value?.arrayValue else { throw DynamoDBError.constraint(nil, at: member, "Member must not be null") }
        if list.isEmpty || list.count > 2 {
            throw DynamoDBError.constraint("[…]", at: member, list.isEmpty ? "Member must have length greater than or equal to 1" : "Member must have length less than or equal to 2")
        }
        var elements: [(String, String)] = []
        for (i, e) in list.enumerated() {
            guard let name = e["AttributeName"]?.stringValue else {
                throw DynamoDBError.constraint(nil, at: "\(member).\(i + 1).member.attributeName", "Member must not be null")
            }
            guard let type = e["KeyType"]?.stringValue, type == "HASH" || type == "RANGE" else {
                throw DynamoDBError.constraint(e["KeyType"]?.stringValue, at: "\(member).\(i + 1).member.keyType", "Member must satisfy enum value set: [HASH, RANGE]")
            }
            elements.append((name, type))
        }
        guard elements[0].1 == "HASH" else { throw DynamoDBError.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type") }
        if elements.count == 2 {
            guard elements[1].1 == "RANGE" else { throw DynamoDBError.validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type") }
            if elements[0].0 == elements[1].0 {
                throw DynamoDBError.validation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
            }
        }
        return (elements[0].0, elements.count == 2 ? elements[1].0 : nil)
    }

    static func parseThroughput(_ value: JSONValue?) -> (Int, Int)? {
        guard let v = value, let r = v["ReadCapacityUnits"]?.intValue, let w = v["WriteCapacityUnits"]?.intValue else { return nil }
        return (r, w)
    }

    static func parseProjection(_ value: JSONValue?, index: String) throws -> (String, [String]) {
        guard let p = value?.objectValue else {
            throw DynamoDBError.constraint(nil, at: "projection", "Member must not be null")
        }
        let type = p["ProjectionType"]?.stringValue ?? "ALL"
        guard ["ALL", "KEYS_ONLY", "INCLUDE"].contains(type) else {
            throw DynamoDBError.constraint(type, at: "projection.projectionType", "Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]")
        }
        let nonKey = p["NonKeyAttributes"]?.arrayValue?.compactMap(\.stringValue)
        if type != "INCLUDE", nonKey != nil {
            throw DynamoDBError.invalidParameter("ProjectionType is \(type), but NonKeyAttributes is specified")
        }
        if type == "INCLUDE", nonKey?.isEmpty ?? true {
            throw DynamoDBError.invalidParameter("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
        }
        return (type, nonKey ?? [])
    }

    @Sendable func createTable(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try Self.validateTableName(try input.string("TableName"))
        guard let definitionsJSON = try input.array("AttributeDefinitions") else {
            throw DynamoDBError.constraint(nil, at: "attributeDefinitions", "Member must not be null")
        }
        var definitions: [KeyAttribute] = []
        for (i, d) in definitionsJSON.enumerated() {
            guard let n = d["AttributeName"]?.stringValue else {
                throw DynamoDBError.constraint(nil, at: "attributeDefinitions.\(i + 1).member.attributeName", "Member must not be null")
            }
            guard let t = d["AttributeType"]?.stringValue, ["S", "N", "B"].contains(t) else {
                throw DynamoDBError.constraint(d["AttributeType"]?.stringValue, at: "attributeDefinitions.\(i + 1).member.attributeType", "Member must satisfy enum value set: [B, N, S]")
            }
            if definitions.contains(where: { $0.name == n }) {
                throw DynamoDBError.invalidParameter("Cannot have two attributes with the same name")
            }
            definitions.append(KeyAttribute(name: n, type: t))
        }
        let keys = try Self.parseKeySchema(input["KeySchema"], member: "keySchema")
        let billingMode = try input.string("BillingMode") ?? "PROVISIONED"
        guard billingMode == "PROVISIONED" || billingMode == "PAY_PER_REQUEST" else {
            throw DynamoDBError.constraint(billingMode, at: "billingMode", "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]")
        }
        let throughput = Self.parseThroughput(input["ProvisionedThroughput"])
        if billingMode == "PROVISIONED", throughput == nil {
            if input["BillingMode"] == nil { throw DynamoDBError.validation("No provisioned throughput specified for the table") }
            throw DynamoDBError.invalidParameter("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
        }
        if billingMode == "PAY_PER_REQUEST", input["ProvisionedThroughput"] != nil {
            throw DynamoDBError.invalidParameter("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
        }

        var usedNames: [String] = [keys.hash] + (keys.range.map { [$0] } ?? [])
        func definition(_ n: String) -> KeyAttribute? { definitions.first { $0.name == n } }
        func indexes(_ member: String, global: Bool) throws -> [(String, String, String?, String, [String], (Int, Int)?)] {
            guard let list = try input.array(member) else { return [] }
            if list.isEmpty { throw DynamoDBError.invalidParameter("List of \(member) is empty") }
            var out: [(String, String, String?, String, [String], (Int, Int)?)] = []
            for entry in list {
                guard let indexName = entry["IndexName"]?.stringValue else {
                    throw DynamoDBError.constraint(nil, at: "\(member.prefix(1).lowercased() + member.dropFirst()).1.member.indexName", "Member must not be null")
                }
                let k = try Self.parseKeySchema(entry["KeySchema"], member: "keySchema")
                let (ptype, nonKey) = try Self.parseProjection(entry["Projection"], index: indexName)
                let tp = Self.parseThroughput(entry["ProvisionedThroughput"])
                if global, billingMode == "PROVISIONED", tp == nil {
                    throw DynamoDBError.invalidParameter("ProvisionedThroughput must be specified for index: \(indexName)")
                }
                if global, billingMode == "PAY_PER_REQUEST", entry["ProvisionedThroughput"] != nil {
                    throw DynamoDBError.invalidParameter("ProvisionedThroughput should not be specified for index: \(indexName) when BillingMode is PAY_PER_REQUEST")
                }
                if !global {
                    guard keys.range != nil else {
                        throw DynamoDBError.invalidParameter("Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
                    }
                    if k.hash != keys.hash {
                        throw DynamoDBError.invalidParameter("Index KeySchema does not have the same leading hash key as table KeySchema for index: \(indexName). index hash key: \(k.hash), table hash key: \(keys.hash)")
                    }
                    guard k.range != nil else {
                        throw DynamoDBError.invalidParameter("Index KeySchema does not have a range key for index: \(indexName)")
                    }
                }
                usedNames.append(k.hash)
                if let r = k.range { usedNames.append(r) }
                out.append((indexName, k.hash, k.range, ptype, nonKey, tp))
            }
            return out
        }
        let lsiSpecs = try indexes("LocalSecondaryIndexes", global: false)
        let gsiSpecs = try indexes("GlobalSecondaryIndexes", global: true)
        let allIndexNames = lsiSpecs.map(\.0) + gsiSpecs.map(\.0)
        if let dup = allIndexNames.first(where: { n in allIndexNames.filter { $0 == n }.count > 1 }) {
            throw DynamoDBError.invalidParameter("Duplicate index name: \(dup)")
        }
        var uniqueUsed: [String] = []
        for n in usedNames where !uniqueUsed.contains(n) { uniqueUsed.append(n) }
        let missing = uniqueUsed.filter { definition($0) == nil }
        if !missing.isEmpty {
            throw DynamoDBError.invalidParameter("Some index key attributes are not defined in AttributeDefinitions. Keys: [\(missing.joined(separator: ", "))], AttributeDefinitions: [\(definitions.map(\.name).joined(separator: ", "))]")
        }
        if definitions.count != uniqueUsed.count {
            throw DynamoDBError.invalidParameter("Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
        }
        let tags = try Self.parseTags(try input.array("Tags") ?? [])

        let now = clock.now.timeIntervalSince1970
        let meta = try database.write { db -> TableMeta in
            if cachedTable(name) != nil { throw DynamoDBError.resourceInUse("Table already exists: \(name)") }
            var meta = TableMeta(
                name: name, storageID: try ItemStore.nextID(db), tableID: RandomUUID.lowercased(), region: context.region,
                accountID: context.accountID, hashKey: definition(keys.hash)!, rangeKey: keys.range.flatMap(definition),
                attributeDefinitions: definitions, billingMode: billingMode, readCapacity: throughput?.0 ?? 0,
                writeCapacity: throughput?.1 ?? 0, creationTime: now)
            if input["BillingMode"] != nil { meta.billingModeTime = now }
            for spec in lsiSpecs {
                meta.lsis.append(IndexMeta(name: spec.0, storageID: try ItemStore.nextID(db), isGlobal: false, hashKey: definition(spec.1)!,
                                           rangeKey: spec.2.flatMap(definition), projectionType: spec.3, nonKeyAttributes: spec.4,
                                           readCapacity: 0, writeCapacity: 0))
            }
            for spec in gsiSpecs {
                meta.gsis.append(IndexMeta(name: spec.0, storageID: try ItemStore.nextID(db), isGlobal: true, hashKey: definition(spec.1)!,
                                           rangeKey: spec.2.flatMap(definition), projectionType: spec.3, nonKeyAttributes: spec.4,
                                           readCapacity: spec.5?.0 ?? 0, writeCapacity: spec.5?.1 ?? 0))
            }
            meta.streamSpecification = try input.object("StreamSpecification")
            meta.sseSpecification = try input.object("SSESpecification")
            meta.tableClass = try input.string("TableClass")
            meta.deletionProtection = try input.bool("DeletionProtectionEnabled") ?? false
            meta.tags = tags
            try persist(db, meta)
            cache(meta)
            return meta
        }
        return ["TableDescription": meta.describe(stats: .init())]
    }

    static func parseTags(_ list: [JSONValue]) throws -> [(key: String, value: String)] {
        var tags: [(key: String, value: String)] = []
        for t in list {
            guard let k = t["Key"]?.stringValue else { throw DynamoDBError.constraint(nil, at: "tags.member.key", "Member must not be null") }
            guard let v = t["Value"]?.stringValue else { throw DynamoDBError.constraint(nil, at: "tags.member.value", "Member must not be null") }
            tags.removeAll { $0.key == k }
            tags.append((k, v))
        }
        return tags
    }
}

import AWSCore
import Foundation

/// A key attribute: name and scalar type (`S`, `N`, `B`).
struct KeyAttribute: Hashable {
    var name: String
    var type: String
}

/// A secondary index as stored.
struct IndexMeta {
    var name: String
    /// Storage id of the index's rows in `ddb_index_items`.
    var storageID: Int64
    var isGlobal: Bool
    var hashKey: KeyAttribute
    var rangeKey: KeyAttribute?
    var projectionType: String
    var nonKeyAttributes: [String]
    var readCapacity: Int
    var writeCapacity: Int
    var status: String = "ACTIVE"
}

/// A table's definition and settings, persisted as JSON in `ddb_tables.meta`.
struct TableMeta {
    var name: String
    var storageID: Int64
    var tableID: String
    var region: String
    var accountID: String
    var hashKey: KeyAttribute
    var rangeKey: KeyAttribute?
    var attributeDefinitions: [KeyAttribute]
    var billingMode: String
    var readCapacity: Int
    var writeCapacity: Int
    var creationTime: Double
    var billingModeTime: Double?
    var gsis: [IndexMeta]
    var lsis: [IndexMeta]
    var streamSpecification: JSONObject?
    var sseSpecification: JSONObject?
    var tableClass: String?
    var deletionProtection: Bool
    var tags: [(key: String, value: String)]
    var ttlAttribute: String?
    var ttlEnabled: Bool
    var pointInTimeRecovery = false

    var arn: String { "arn:aws:dynamodb:\(region):\(accountID):table/\(name)" }
    var indexes: [IndexMeta] { lsis + gsis }
    var keyNames: Set<String> { Set([hashKey.name] + (rangeKey.map { [$0.name] } ?? [])) }

    func index(named name: String) -> IndexMeta? { indexes.first { $0.name == name } }

    /// The TTL attribute when TTL is on.
    var activeTTLAttribute: String? { ttlEnabled ? ttlAttribute : nil }

    // MARK: Describe

    struct Stats {
        var itemCount: Int = 0
        var sizeBytes: Int = 0
        var indexStats: [String: (count: Int, size: Int)] = [:]
    }

    func keySchemaJSON(_ hash: KeyAttribute, _ range: KeyAttribute?) -> JSONValue {
        var list: [JSONValue] = [["AttributeName": .string(hash.name), "KeyType": "HASH"]]
        if let range { list.append(["AttributeName": .string(range.name), "KeyType": "RANGE"]) }
        return .array(list)
    }

    private func throughputJSON(read: Int, write: Int) -> JSONValue {
        ["NumberOfDecreasesToday": 0, "ReadCapacityUnits": .int(read), "WriteCapacityUnits": .int(write)]
    }

    func projectionJSON(_ index: IndexMeta) -> JSONValue {
        var p = JSONObject()
        p["ProjectionType"] = .string(index.projectionType)
        if index.projectionType == "INCLUDE" { p["NonKeyAttributes"] = .array(index.nonKeyAttributes.map { .string($0) }) }
        return .object(p)
    }

    func describe(stats: Stats, status: String = "ACTIVE") -> JSONValue {
        var t = JSONObject()
        t["AttributeDefinitions"] = .array(attributeDefinitions.map {
            ["AttributeName": .string($0.name), "AttributeType": .string($0.type)]
        })
        t["TableName"] = .string(name)
        t["KeySchema"] = keySchemaJSON(hashKey, rangeKey)
        t["TableStatus"] = .string(status)
        t["CreationDateTime"] = .timestamp(Date(timeIntervalSince1970: creationTime))
        t["ProvisionedThroughput"] = throughputJSON(read: readCapacity, write: writeCapacity)
        t["TableSizeBytes"] = .int(stats.sizeBytes)
        t["ItemCount"] = .int(stats.itemCount)
        t["TableArn"] = .string(arn)
        t["TableId"] = .string(tableID)
        if billingMode == "PAY_PER_REQUEST" || billingModeTime != nil {
            var b = JSONObject()
            b["BillingMode"] = .string(billingMode)
            if billingMode == "PAY_PER_REQUEST" {
                b["LastUpdateToPayPerRequestDateTime"] = .timestamp(Date(timeIntervalSince1970: billingModeTime ?? creationTime))
            }
            t["BillingModeSummary"] = .object(b)
        }
        if !lsis.isEmpty {
            t["LocalSecondaryIndexes"] = .array(lsis.map { index in
                let s = stats.indexStats[index.name] ?? (0, 0)
                var o = JSONObject()
                o["IndexName"] = .string(index.name)
                o["KeySchema"] = keySchemaJSON(index.hashKey, index.rangeKey)
                o["Projection"] = projectionJSON(index)
                o["IndexSizeBytes"] = .int(s.size)
                o["ItemCount"] = .int(s.count)
                o["IndexArn"] = .string("\(arn)/index/\(index.name)")
                return .object(o)
            })
        }
        if !gsis.isEmpty {
            t["GlobalSecondaryIndexes"] = .array(gsis.map { index in
                let s = stats.indexStats[index.name] ?? (0, 0)
                var o = JSONObject()
                o["IndexName"] = .string(index.name)
                o["KeySchema"] = keySchemaJSON(index.hashKey, index.rangeKey)
                o["Projection"] = projectionJSON(index)
                o["IndexStatus"] = .string(index.status)
                o["ProvisionedThroughput"] = throughputJSON(read: index.readCapacity, write: index.writeCapacity)
                o["IndexSizeBytes"] = .int(s.size)
                o["ItemCount"] = .int(s.count)
                o["IndexArn"] = .string("\(arn)/index/\(index.name)")
                return .object(o)
            })
        }
        if let stream = streamSpecification, stream["StreamEnabled"]?.boolValue == true {
            t["StreamSpecification"] = .object(stream)
            let label = Self.streamLabel(creationTime)
            t["LatestStreamLabel"] = .string(label)
            t["LatestStreamArn"] = .string("\(arn)/stream/\(label)")
        }
        if let sse = sseSpecification, sse["Enabled"]?.boolValue == true {
            var d = JSONObject()
            d["Status"] = "ENABLED"
            d["SSEType"] = "KMS"
            let key = sse["KMSMasterKeyId"]?.stringValue ?? "alias/aws/dynamodb"
            d["KMSMasterKeyArn"] = .string(key.hasPrefix("arn:") ? key : "arn:aws:kms:\(region):\(accountID):key/\(key)")
            t["SSEDescription"] = .object(d)
        }
        if let tableClass {
            t["TableClassSummary"] = ["TableClass": .string(tableClass)]
        }
        t["DeletionProtectionEnabled"] = .bool(deletionProtection)
        return .object(t)
    }

    static func streamLabel(_ time: Double) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS"
        return f.string(from: Date(timeIntervalSince1970: time))
    }

    // MARK: Persistence

    private static func keyJSON(_ k: KeyAttribute?) -> JSONValue {
        guard let k else { return .null }
        return ["name": .string(k.name), "type": .string(k.type)]
    }

    private static func keyFrom(_ v: JSONValue?) -> KeyAttribute? {
        guard let name = v?["name"]?.stringValue, let type = v?["type"]?.stringValue else { return nil }
        return KeyAttribute(name: name, type: type)
    }

    private static func indexJSON(_ i: IndexMeta) -> JSONValue {
        [
            "name": .string(i.name), "storageID": .int(i.storageID), "global": .bool(i.isGlobal),
            "hash": keyJSON(i.hashKey), "range": keyJSON(i.rangeKey), "projection": .string(i.projectionType),
            "nonKey": .array(i.nonKeyAttributes.map { .string($0) }), "rcu": .int(i.readCapacity), "wcu": .int(i.writeCapacity),
        ]
    }

    private static func indexFrom(_ v: JSONValue) -> IndexMeta? {
        guard let name = v["name"]?.stringValue, let id = v["storageID"]?.intValue, let hash = keyFrom(v["hash"]) else { return nil }
        return IndexMeta(
            name: name, storageID: Int64(id), isGlobal: v["global"]?.boolValue ?? true, hashKey: hash, rangeKey: keyFrom(v["range"]),
            projectionType: v["projection"]?.stringValue ?? "ALL", nonKeyAttributes: v["nonKey"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            readCapacity: v["rcu"]?.intValue ?? 0, writeCapacity: v["wcu"]?.intValue ?? 0)
    }

    var persisted: JSONValue {
        var o = JSONObject()
        o["name"] = .string(name)
        o["storageID"] = .int(storageID)
        o["tableID"] = .string(tableID)
        o["region"] = .string(region)
        o["accountID"] = .string(accountID)
        o["hash"] = Self.keyJSON(hashKey)
        o["range"] = Self.keyJSON(rangeKey)
        o["attributes"] = .array(attributeDefinitions.map { Self.keyJSON($0) })
        o["billingMode"] = .string(billingMode)
        o["rcu"] = .int(readCapacity)
        o["wcu"] = .int(writeCapacity)
        o["created"] = .number(String(creationTime))
        o.set("billingModeTime", billingModeTime.map { .number(String($0)) })
        o["gsis"] = .array(gsis.map(Self.indexJSON))
        o["lsis"] = .array(lsis.map(Self.indexJSON))
        o.set("stream", streamSpecification.map { .object($0) })
        o.set("sse", sseSpecification.map { .object($0) })
        o.set("tableClass", tableClass.map { .string($0) })
        o["deletionProtection"] = .bool(deletionProtection)
        o["tags"] = .array(tags.map { ["Key": .string($0.key), "Value": .string($0.value)] })
        o.set("ttlAttribute", ttlAttribute.map { .string($0) })
        o["ttlEnabled"] = .bool(ttlEnabled)
        o["pitr"] = .bool(pointInTimeRecovery)
        return .object(o)
    }

    init?(persisted v: JSONValue) {
        guard let name = v["name"]?.stringValue, let id = v["storageID"]?.intValue, let hash = Self.keyFrom(v["hash"]) else { return nil }
        self.name = name
        storageID = Int64(id)
        tableID = v["tableID"]?.stringValue ?? RandomUUID.lowercased()
        region = v["region"]?.stringValue ?? "us-east-1"
        accountID = v["accountID"]?.stringValue ?? "000000000000"
        hashKey = hash
        rangeKey = Self.keyFrom(v["range"])
        attributeDefinitions = v["attributes"]?.arrayValue?.compactMap { Self.keyFrom($0) } ?? []
        billingMode = v["billingMode"]?.stringValue ?? "PROVISIONED"
        readCapacity = v["rcu"]?.intValue ?? 0
        writeCapacity = v["wcu"]?.intValue ?? 0
        creationTime = v["created"]?.doubleValue ?? 0
        billingModeTime = v["billingModeTime"]?.doubleValue
        gsis = v["gsis"]?.arrayValue?.compactMap(Self.indexFrom) ?? []
        lsis = v["lsis"]?.arrayValue?.compactMap(Self.indexFrom) ?? []
        streamSpecification = v["stream"]?.objectValue
        sseSpecification = v["sse"]?.objectValue
        tableClass = v["tableClass"]?.stringValue
        deletionProtection = v["deletionProtection"]?.boolValue ?? false
        tags = v["tags"]?.arrayValue?.compactMap { t in
            guard let k = t["Key"]?.stringValue, let val = t["Value"]?.stringValue else { return nil }
            return (k, val)
        } ?? []
        ttlAttribute = v["ttlAttribute"]?.stringValue
        ttlEnabled = v["ttlEnabled"]?.boolValue ?? false
        pointInTimeRecovery = v["pitr"]?.boolValue ?? false
    }

    init(name: String, storageID: Int64, tableID: String, region: String, accountID: String, hashKey: KeyAttribute,
         rangeKey: KeyAttribute?, attributeDefinitions: [KeyAttribute], billingMode: String, readCapacity: Int,
         writeCapacity: Int, creationTime: Double) {
        self.name = name
        self.storageID = storageID
        self.tableID = tableID
        self.region = region
        self.accountID = accountID
        self.hashKey = hashKey
        self.rangeKey = rangeKey
        self.attributeDefinitions = attributeDefinitions
        self.billingMode = billingMode
        self.readCapacity = readCapacity
        self.writeCapacity = writeCapacity
        self.creationTime = creationTime
        gsis = []
        lsis = []
        deletionProtection = false
        tags = []
        ttlEnabled = false
    }
}

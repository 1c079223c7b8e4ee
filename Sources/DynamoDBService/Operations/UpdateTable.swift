import AWSCore
import Foundation
import SandboxStorage

extension DynamoDBService {
    @Sendable func updateTable(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try existingTable(input).name
        let final = try mutateTable(name) { meta, db in
            var definitions = meta.attributeDefinitions
            for d in try input.array("AttributeDefinitions") ?? [] {
                guard let n = d["AttributeName"]?.stringValue, let t = d["AttributeType"]?.stringValue, ["S", "N", "B"].contains(t) else {
                    throw DynamoDBError.constraint(d["AttributeType"]?.stringValue, at: "attributeDefinitions.1.member.attributeType", "Member must satisfy enum value set: [B, N, S]")
                }
                if let existing = definitions.first(where: { $0.name == n }), existing.type != t {
                    throw DynamoDBError.invalidParameter("Cannot change the type of attribute \(n)")
                }
                if !definitions.contains(where: { $0.name == n }) { definitions.append(KeyAttribute(name: n, type: t)) }
            }
            let now = clock.now.timeIntervalSince1970
            if let mode = try input.string("BillingMode") {
                guard mode == "PROVISIONED" || mode == "PAY_PER_REQUEST" else {
                    throw DynamoDBError.constraint(mode, at: "billingMode", "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]")
                }
                if mode != meta.billingMode { meta.billingModeTime = now }
                meta.billingMode = mode
                if mode == "PAY_PER_REQUEST" {
                    meta.readCapacity = 0
                    meta.writeCapacity = 0
                    for i in meta.gsis.indices {
                        meta.gsis[i].readCapacity = 0
                        meta.gsis[i].writeCapacity = 0
                    }
                }
            }
            if let tp = Self.parseThroughput(input["ProvisionedThroughput"]) {
                if meta.billingMode == "PAY_PER_REQUEST" {
                    throw DynamoDBError.invalidParameter("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
                }
                (meta.readCapacity, meta.writeCapacity) = tp
            }
            if let stream = try input.object("StreamSpecification") { meta.streamSpecification = stream }
            if let sse = try input.object("SSESpecification") { meta.sseSpecification = sse }
            if let tableClass = try input.string("TableClass") { meta.tableClass = tableClass }
            if let protection = try input.bool("DeletionProtectionEnabled") { meta.deletionProtection = protection }

            var created: [IndexMeta] = []
            var deleted: [IndexMeta] = []
            for update in try input.array("GlobalSecondaryIndexUpdates") ?? [] {
                if let create = update["Create"]?.objectValue {
                    guard let indexName = create["IndexName"]?.stringValue else {
                        throw DynamoDBError.constraint(nil, at: "globalSecondaryIndexUpdates.1.member.create.indexName", "Member must not be null")
                    }
                    if meta.index(named: indexName) != nil {
                        throw DynamoDBError.validation("One or more parameter values were invalid: Index with name: \(indexName) already exists")
                    }
                    let k = try Self.parseKeySchema(create["KeySchema"], member: "keySchema")
                    let (ptype, nonKey) = try Self.parseProjection(create["Projection"], index: indexName)
                    let tp = Self.parseThroughput(create["ProvisionedThroughput"])
                    if meta.billingMode == "PROVISIONED", tp == nil {
                        throw DynamoDBError.invalidParameter("ProvisionedThroughput must be specified for index: \(indexName)")
                    }
                    func definition(_ n: String) throws -> KeyAttribute {
                        guard let d = definitions.first(where: { $0.name == n }) else {
                            throw DynamoDBError.invalidParameter("Some index key attributes are not defined in AttributeDefinitions. Keys: [\(n)], AttributeDefinitions: [\(definitions.map(\.name).joined(separator: ", "))]")
                        }
                        return d
                    }
                    let index = IndexMeta(name: indexName, storageID: 0, isGlobal: true, hashKey: try definition(k.hash),
                                          rangeKey: try k.range.map(definition), projectionType: ptype, nonKeyAttributes: nonKey,
                                          readCapacity: tp?.0 ?? 0, writeCapacity: tp?.1 ?? 0)
                    created.append(index)
                    meta.gsis.append(index)
                } else if let delete = update["Delete"]?.objectValue {
                    let indexName = delete["IndexName"]?.stringValue ?? ""
                    guard let i = meta.gsis.firstIndex(where: { $0.name == indexName }) else {
                        throw DynamoDBError.resourceNotFound("Requested resource not found: Index: \(indexName) not found")
                    }
                    deleted.append(meta.gsis.remove(at: i))
                } else if let change = update["Update"]?.objectValue {
                    let indexName = change["IndexName"]?.stringValue ?? ""
                    guard let i = meta.gsis.firstIndex(where: { $0.name == indexName }) else {
                        throw DynamoDBError.resourceNotFound("Requested resource not found: Index: \(indexName) not found")
                    }
                    if let tp = Self.parseThroughput(change["ProvisionedThroughput"]) {
                        (meta.gsis[i].readCapacity, meta.gsis[i].writeCapacity) = tp
                    }
                }
            }
            // Attribute definitions keep only attributes some key uses.
            let used = Set([meta.hashKey.name] + (meta.rangeKey.map { [$0.name] } ?? []) + meta.indexes.flatMap { [$0.hashKey.name] + ($0.rangeKey.map { [$0.name] } ?? []) })
            meta.attributeDefinitions = definitions.filter { used.contains($0.name) }
            for index in deleted { try ItemStore.dropIndex(db, index) }
            for index in created {
                let id = try ItemStore.nextID(db)
                guard let i = meta.gsis.firstIndex(where: { $0.name == index.name }) else { continue }
                meta.gsis[i].storageID = id
                try ItemStore.backfill(db, meta, meta.gsis[i])
            }
        }
        let stats = try database.read { db in try ItemStore.stats(db, final) }
        return ["TableDescription": final.describe(stats: stats)]
    }
}

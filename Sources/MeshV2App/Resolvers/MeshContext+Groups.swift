import AppSyncService
import AWSCore
import Foundation

/// Groups: creation (idempotent per host and domain), the shared existence check, heartbeats,
/// listing and dissolution.
extension MeshContext {
    var groupPK: String { "DOMAIN#\(domain)" }
    var metadataSK: String { "GROUP#\(groupId)#METADATA" }
    var fullId: String { "\(groupId)@\(domain)" }

    /// `checkGroupExists`: the group item, or GroupNotFound when missing, expired or stale.
    func checkGroupExists() async throws -> Item {
        guard let group = try await getItem(pk: groupPK, sk: metadataSK) else {
            throw MeshError.groupNotFound("Group not found: \(fullId)")
        }
        if let expiresAt = group.string("expiresAt"), let ms = Self.epochMs(expiresAt), nowSec > ms / 1000 {
            throw MeshError.groupNotFound("Group expired: \(fullId) (expiresAt: \(expiresAt))")
        }
        if let heartbeatAt = group.int("heartbeatAt"), heartbeatAt < nowSec - Int64(hostTTL) {
            throw MeshError.groupNotFound("Group not found: \(fullId) (heartbeat expired)")
        }
        return group
    }

    /// Live groups of the domain (heartbeat recent, not expired), optionally of one host, in sort-key order.
    func liveGroups(hostId: String? = nil) async throws -> [Item] {
        var filter = "heartbeatAt > :threshold AND expiresAt > :now"
        var values: JSONObject = [":pk": ["S": .string(groupPK)], ":prefix": ["S": "GROUP#"],
                                  ":threshold": ["N": .string(String(nowSec - Int64(hostTTL)))], ":now": ["S": .string(nowISO)]]
        if let hostId {
            filter = "hostId = :hostId AND " + filter
            values[":hostId"] = ["S": .string(hostId)]
        }
        return try await query(["KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)", "FilterExpression": .string(filter),
                                "ExpressionAttributeValues": .object(values)])
            .filter { $0.string("sk")?.hasSuffix("#METADATA") == true }
    }

    func group(_ item: Item, heartbeatInterval: Bool) -> JSONObject {
        var out = JSONObject()
        for key in ["id", "domain", "fullId", "name", "hostId", "expiresAt"] { out.set(key, item[key]) }
        if heartbeatInterval {
            out["heartbeatIntervalSeconds"] = .int(hostInterval)
            out["useWebSocket"] = .bool(item.bool("useWebSocket") != false)
            out["pollingIntervalSeconds"] = item["pollingIntervalSeconds"] ?? .null
        }
        return out
    }

    /// `createGroup`: the host's live group in this domain if there is one, else a new group.
    func createGroup() async throws -> JSONValue {
        if let existing = try await liveGroups(hostId: hostId).first {
            // The stored group as it is: the name, useWebSocket and maxConnectionTimeSeconds arguments are ignored.
            _ = try await getItem(pk: groupPK, sk: existing.string("sk") ?? metadataSK)
            return .object(group(existing, heartbeatInterval: true))
        }
        if domain.utf16.count > 256 { throw MeshError.validation("Domain must be 256 characters or less") }
        var chosen = maxConnection
        if let requested = request.arguments["maxConnectionTimeSeconds"]?.intValue {
            if requested < 1 { throw MeshError.validation("maxConnectionTimeSeconds must be at least 1") }
            if requested > maxConnection { throw MeshError.validation("maxConnectionTimeSeconds cannot exceed \(maxConnection)") }
            chosen = requested
        }
        let useWebSocket = request.arguments["useWebSocket"]?.boolValue ?? true
        let polling: JSONValue = useWebSocket ? .null : .int(pollingInterval)
        let id = RandomUUID.lowercased()
        let name = argument("name")
        let expiresAt = Self.iso(ms: nowMs + Int64(chosen) * 1000)
        var item: JSONObject = [
            "pk": .string("DOMAIN#\(domain)"), "sk": .string("GROUP#\(id)#METADATA"), "id": .string(id), "domain": .string(domain),
            "fullId": .string("\(id)@\(domain)"), "name": .string(name), "hostId": .string(hostId), "createdAt": .string(nowISO),
            "expiresAt": .string(expiresAt), "heartbeatAt": .int(nowSec), "ttl": .int(nowSec + Int64(hostTTL)),
            "useWebSocket": .bool(useWebSocket), "pollingIntervalSeconds": polling,
        ]
        item["gsi_pk"] = .string("GROUP#\(id)")
        item["gsi_sk"] = .string("DOMAIN#\(domain)")
        _ = try await call("PutItem", ["Item": Item.attributes(item)])
        return [
            "id": .string(id), "domain": .string(domain), "fullId": .string("\(id)@\(domain)"), "name": .string(name),
            "hostId": .string(hostId), "expiresAt": .string(expiresAt), "heartbeatIntervalSeconds": .int(hostInterval),
            "useWebSocket": .bool(useWebSocket), "pollingIntervalSeconds": polling,
        ]
    }

    /// `renewHeartbeat`: only the host; `expiresAt` never moves.
    func renewHeartbeat() async throws -> JSONValue {
        let group = try await checkGroupExists()
        guard group.string("hostId") == hostId else {
            throw AppSyncResolverError(type: "Unauthorized", message: "Only the host can renew the heartbeat")
        }
        _ = try await call("UpdateItem", [
            "Key": Item.key(groupPK, metadataSK), "UpdateExpression": "SET heartbeatAt = :now, #ttl = :ttl",
            "ExpressionAttributeNames": ["#ttl": "ttl"],
            "ExpressionAttributeValues": [":now": ["N": .string(String(nowSec))], ":ttl": ["N": .string(String(nowSec + Int64(hostTTL)))]],
        ])
        return ["groupId": .string(groupId), "domain": .string(domain), "expiresAt": group["expiresAt"] ?? .null,
                "heartbeatIntervalSeconds": .int(hostInterval)]
    }

    /// `listGroupsByDomain`: live groups, without the fields upstream's resolver leaves out.
    func listGroupsByDomain() async throws -> JSONValue {
        .array(try await liveGroups().map { .object(group($0, heartbeatInterval: false)) })
    }

    /// `dissolveGroup` (Lambda): the host deletes every item of the group and its nodes' lookups.
    func dissolveGroup() async throws -> JSONValue {
        for (name, value) in [("groupId", groupId), ("domain", domain), ("hostId", hostId)] where value.isEmpty {
            throw MeshError.lambda("\(name) is required")
        }
        guard let group = try await getItem(pk: groupPK, sk: metadataSK) else {
            throw MeshError.lambda("Group not found: \(fullId)")
        }
        let owner = group.string("hostId") ?? ""
        guard owner == hostId else {
            throw MeshError.lambda("Only the host can dissolve the group. Host: \(owner), Requested by: \(hostId)")
        }
        // Upstream's prefix has no trailing `#`, and repository errors are only logged.
        let items = (try? await query(["KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
                                       "ExpressionAttributeValues": [":pk": ["S": .string(groupPK)], ":prefix": ["S": .string("GROUP#\(groupId)")]]])) ?? []
        for item in items {
            _ = try? await call("DeleteItem", ["Key": Item.key(groupPK, item.string("sk") ?? "")])
        }
        for item in items where item.string("sk")?.contains("#NODE#") == true {
            if let node = item.string("nodeId") { _ = try? await call("DeleteItem", ["Key": Item.key("NODE#\(node)", "METADATA")]) }
        }
        return [
            "groupId": .string(groupId), "domain": .string(domain), "nodeStatus": .null, "batchEvent": .null,
            "groupDissolve": ["groupId": .string(groupId), "domain": .string(domain),
                              "message": .string("Group \(fullId) has been dissolved successfully.")],
        ]
    }
}

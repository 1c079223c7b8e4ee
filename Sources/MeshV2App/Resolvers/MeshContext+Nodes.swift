import AppSyncService
import AWSCore

/// Nodes: joining, leaving, member heartbeats and node listings.
extension MeshContext {
    var memberSK: String { "GROUP#\(groupId)#NODE#\(nodeId)" }
    var statusSK: String { "GROUP#\(groupId)#NODE#\(nodeId)#STATUS" }

    /// `joinGroup`: membership and the node's reverse lookup, written together.
    func joinGroup() async throws -> JSONValue {
        let group = try await checkGroupExists()
        let name = "Node \(nodeId)"
        let attributes: JSONObject = [
            "id": .string(nodeId), "nodeId": .string(nodeId), "groupId": .string(groupId), "domain": .string(domain),
            "name": .string(name), "joinedAt": .string(nowISO), "ttl": .int(nowSec + Int64(memberTTL)),
        ]
        func put(_ pk: String, _ sk: String) -> JSONValue {
            var item = attributes
            item["pk"] = .string(pk)
            item["sk"] = .string(sk)
            return ["Put": ["TableName": .string(table), "Item": Item.attributes(item)]]
        }
        _ = try await call("TransactWriteItems", ["TransactItems": [put(groupPK, memberSK), put("NODE#\(nodeId)", "METADATA")]])
        return [
            "id": .string(nodeId), "name": .string(name), "groupId": .string(groupId), "domain": .string(domain),
            "expiresAt": group["expiresAt"] ?? .null, "heartbeatIntervalSeconds": .int(memberInterval),
            "useWebSocket": .bool(group.bool("useWebSocket") != false), "pollingIntervalSeconds": group["pollingIntervalSeconds"] ?? .null,
        ]
    }

    /// `sendMemberHeartbeat`: refreshes the membership's TTL; a membership that is gone is NodeNotFound.
    func sendMemberHeartbeat() async throws -> JSONValue {
        _ = try await checkGroupExists()
        let ttl = nowSec + Int64(memberTTL)
        do {
            _ = try await call("UpdateItem", [
                "Key": Item.key(groupPK, memberSK), "UpdateExpression": "SET #ttl = :ttl", "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeNames": ["#ttl": "ttl"], "ExpressionAttributeValues": [":ttl": ["N": .string(String(ttl))]],
            ])
        } catch let error as any AWSError where error.code == "ConditionalCheckFailedException" {
            throw AppSyncResolverError(type: "NodeNotFound", message: "Node not found")
        }
        return ["nodeId": .string(nodeId), "groupId": .string(groupId), "domain": .string(domain),
                "expiresAt": .string(Self.iso(ms: ttl * 1000)), "heartbeatIntervalSeconds": .int(memberInterval)]
    }

    /// `leaveGroup` (Lambda): no checks; deletes membership, lookup and status.
    func leaveGroup() async throws -> JSONValue {
        do {
            _ = try await call("TransactWriteItems", ["TransactItems": [
                ["Delete": ["TableName": .string(table), "Key": Item.key(groupPK, memberSK)]],
                ["Delete": ["TableName": .string(table), "Key": Item.key("NODE#\(nodeId)", "METADATA")]],
            ]])
        } catch is any AWSError {
            throw MeshError.lambda("Failed to remove peer from group")
        }
        do {
            _ = try await call("DeleteItem", ["Key": Item.key(groupPK, statusSK)])
        } catch is any AWSError {
            throw MeshError.lambda("Failed to delete peer data")
        }
        return ["peerId": .string(nodeId), "groupId": .string(groupId), "domain": .string(domain),
                "message": .string("Peer \(nodeId) successfully left group \(groupId)")]
    }

    /// Items under `GROUP#<groupId>#NODE#` whose TTL has not passed (memberships and statuses).
    func liveNodeItems() async throws -> [Item] {
        try await query([
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "FilterExpression": "attribute_not_exists(#ttl) OR #ttl > :now",
            "ExpressionAttributeNames": ["#ttl": "ttl"],
            "ExpressionAttributeValues": [":pk": ["S": .string(groupPK)], ":prefix": ["S": .string("GROUP#\(groupId)#NODE#")],
                                          ":now": ["N": .string(String(nowSec))]],
        ])
    }

    /// `listNodesInGroup`: memberships only.
    func listNodesInGroup() async throws -> JSONValue {
        .array(try await liveNodeItems().filter { item in
            let sk = item.string("sk") ?? ""
            return sk.contains("#NODE#") && !sk.hasSuffix("#STATUS")
        }.map { item in
            let node = item.string("nodeId") ?? ""
            return ["id": .string(node), "name": .string(item.string("name") ?? "Node \(node)"),
                    "groupId": item["groupId"] ?? .null, "domain": item["domain"] ?? .null]
        })
    }

    /// `getNodeStatus`: through the node's reverse lookup (whose TTL is never refreshed).
    func getNodeStatus() async throws -> JSONValue {
        guard let lookup = try await getItem(pk: "NODE#\(nodeId)", sk: "METADATA") else { return .null }
        if let ttl = lookup.int("ttl"), ttl <= nowSec { return .null }
        let group = lookup.string("groupId") ?? "NONE", domain = lookup.string("domain") ?? "NONE"
        guard let status = try await getItem(pk: "DOMAIN#\(domain)", sk: "GROUP#\(group)#NODE#\(nodeId)#STATUS") else { return .null }
        return Self.nodeStatus(status)
    }

    static func nodeStatus(_ item: Item) -> JSONValue {
        ["nodeId": item["nodeId"] ?? .null, "groupId": item["groupId"] ?? .null, "domain": item["domain"] ?? .null,
         "data": item["data"] ?? [], "timestamp": item["timestamp"] ?? .null]
    }
}

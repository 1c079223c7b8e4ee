import AppSyncService
import AWSCore
import Foundation

/// Sensor data and events: reports, live event batches, recorded events for polling clients.
extension MeshContext {
    /// `reportDataByNode`: overwrites the node's status; published to `onMessageInGroup`.
    func reportDataByNode() async throws -> JSONValue {
        _ = try await checkGroupExists()
        let data: JSONValue = .array((request.arguments["data"]?.arrayValue ?? []).map { entry in
            ["key": entry["key"] ?? "", "value": entry["value"] ?? ""]
        })
        let item: JSONObject = [
            "pk": .string(groupPK), "sk": .string(statusSK), "nodeId": .string(nodeId), "groupId": .string(groupId),
            "domain": .string(domain), "data": data, "timestamp": .string(nowISO), "ttl": .int(nowSec + Int64(memberTTL)),
            "gsi_pk": .string("NODE#\(nodeId)"), "gsi_sk": "STATUS",
        ]
        _ = try await call("PutItem", ["Item": Item.attributes(item)])
        return [
            "groupId": .string(groupId), "domain": .string(domain),
            "nodeStatus": ["nodeId": .string(nodeId), "groupId": .string(groupId), "domain": .string(domain), "data": data,
                           "timestamp": .string(nowISO)],
            "batchEvent": .null, "groupDissolve": .null,
        ]
    }

    /// `listGroupStatuses`: statuses whose TTL has not passed.
    func listGroupStatuses() async throws -> JSONValue {
        if groupId.isEmpty || domain.isEmpty { throw MeshError.validation("groupId and domain are required") }
        return .array(try await liveNodeItems().filter { $0.string("sk")?.hasSuffix("#STATUS") == true }.map(Self.nodeStatus))
    }

    /// `fireEventsByNode`: nothing stored; the batch is published to `onMessageInGroup`.
    func fireEventsByNode() async throws -> JSONValue {
        _ = try await checkGroupExists()
        let events: [JSONValue] = (request.arguments["events"]?.arrayValue ?? []).map { event in
            let payload = event["payload"]?.stringValue.flatMap { $0.isEmpty ? nil : JSONValue.string($0) } ?? .null
            return ["name": event["eventName"] ?? "", "firedByNodeId": .string(nodeId), "groupId": .string(groupId),
                    "domain": .string(domain), "payload": payload, "timestamp": event["firedAt"] ?? .null]
        }
        return [
            "groupId": .string(groupId), "domain": .string(domain), "nodeStatus": .null,
            "batchEvent": ["events": .array(events), "firedByNodeId": .string(nodeId), "groupId": .string(groupId),
                           "domain": .string(domain), "timestamp": .string(nowISO)],
            "groupDissolve": .null,
        ]
    }

    var eventsPK: String { "GROUP#\(groupId)@\(domain)" }

    /// `recordEventsByNode` (Lambda): stores the events for polling clients, stamped with server time.
    func recordEventsByNode() async throws -> JSONValue {
        guard try await getItem(pk: groupPK, sk: metadataSK) != nil else { throw MeshError.lambda("Group not found") }
        let serverTime = rubyNow
        let ttl = nowSec + Int64(eventTTL)
        var keys: [String] = []
        var writes: [JSONValue] = []
        for event in request.arguments["events"]?.arrayValue ?? [] {
            let sk = "EVENT#\(serverTime)#\(RandomUUID.lowercased())"
            keys.append(sk)
            let item: JSONObject = [
                "pk": .string(eventsPK), "sk": .string(sk), "eventName": event["eventName"] ?? "", "firedByNodeId": .string(nodeId),
                "groupId": .string(groupId), "domain": .string(domain), "payload": event["payload"] ?? .null,
                "timestamp": .string(serverTime), "ttl": .int(ttl),
            ]
            writes.append(["PutRequest": ["Item": Item.attributes(item)]])
        }
        for start in stride(from: 0, to: writes.count, by: 25) {
            _ = try await call("BatchWriteItem", ["RequestItems": .object([table: .array(Array(writes[start..<min(start + 25, writes.count)]))])])
        }
        return ["groupId": .string(groupId), "domain": .string(domain), "recordedCount": .int(keys.count),
                "nextSince": .string(keys.last ?? "EVENT#\(serverTime)")]
    }

    /// `getEventsSince`: up to 100 events after the cursor, in sort-key (byte) order.
    func getEventsSince() async throws -> JSONValue {
        let since = argument("since")
        let cursor = since.hasPrefix("EVENT#") ? since : "EVENT#" + since
        let items = try await query([
            "KeyConditionExpression": "pk = :pk AND sk > :cursor", "Limit": 100, "ScanIndexForward": true,
            "ExpressionAttributeValues": [":pk": ["S": .string(eventsPK)], ":cursor": ["S": .string(cursor)]],
        ])
        return .array(items.map { item in
            ["name": item["eventName"] ?? .null, "firedByNodeId": item["firedByNodeId"] ?? .null, "groupId": item["groupId"] ?? .null,
             "domain": item["domain"] ?? .null, "payload": item["payload"] ?? .null, "timestamp": item["timestamp"] ?? .null,
             "cursor": item["sk"] ?? .null]
        })
    }
}

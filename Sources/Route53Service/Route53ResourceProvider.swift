import AWSCore
import SandboxStorage

/// `AWS::Route53::HostedZone` and `AWS::Route53::RecordSet` as real zones and records. A record
/// set naming a zone that does not exist creates it: stacks like Mesh v2's look their parent
/// zone up (`HostedZone.fromLookup`) rather than create it.
extension Route53Service: CloudFormationResourceProvider {
    public var resourceTypes: [String] { ["AWS::Route53::HostedZone", "AWS::Route53::RecordSet"] }

    public func create(_ request: ResourceRequest) async throws -> ResourceResult {
        let p = request.properties
        if request.resourceType == "AWS::Route53::HostedZone" {
            guard let name = p["Name"]?.stringValue else { throw Route53Error.invalidInput("Property Name cannot be empty.") }
            // Route 53 names the list `HostedZoneTags`; the stack's tags join it as for any `Tags`.
            let tags = ResourceRequest.mergedTags(stackTags: request.stackTags, properties: ["Tags": p["HostedZoneTags"] ?? []])
            let id = try createZone(name: name, accountID: request.accountID, callerReference: request.stackID + request.logicalID,
                                    comment: p["HostedZoneConfig"]?["Comment"]?.stringValue, tags: tags)
            return ResourceResult(physicalID: id, attributes: ["Id": .string(id), "NameServers": ["ns-1.awsdns-00.org", "ns-2.awsdns-00.co.uk"]])
        }
        guard let name = p["Name"]?.stringValue, let type = p["Type"]?.stringValue else {
            throw Route53Error.invalidInput("Properties Name and Type cannot be empty.")
        }
        let zoneID = try zoneID(for: request)
        var record: JSONObject = ["Name": .string(Self.absolute(name)), "Type": .string(type)]
        if let alias = p["AliasTarget"] {
            record["AliasTarget"] = ["HostedZoneId": alias["HostedZoneId"] ?? "", "DNSName": .string(Self.absolute(alias["DNSName"]?.stringValue ?? "")),
                                     "EvaluateTargetHealth": alias["EvaluateTargetHealth"] ?? false]
        } else {
            record["TTL"] = .number(p["TTL"].map { $0.stringValue ?? $0.numberText ?? "300" } ?? "300")
            record["ResourceRecords"] = .array((p["ResourceRecords"]?.arrayValue ?? []).map { ["Value": $0] })
        }
        let body = JSONValue.object(record).serializedString()
        try database.write { db in
            try db.execute("INSERT OR REPLACE INTO r53_records (zone_id, name, type, body) VALUES (?, ?, ?, ?)",
                           [.text(zoneID), .text(Self.absolute(name)), .text(type), .text(body)])
        }
        return ResourceResult(physicalID: Self.absolute(name), attributes: ["ZoneId": .string(zoneID)])
    }

    public func requiresReplacement(_ request: ResourceRequest) -> Bool {
        let old = request.previousProperties ?? [:]
        return ["Name", "Type", "HostedZoneId", "HostedZoneName"].contains { request.properties[$0] != old[$0] }
    }

    public func update(_ request: ResourceRequest) async throws -> ResourceResult {
        try await create(request)
    }

    public func delete(_ request: ResourceRequest) async throws {
        guard let physicalID = request.physicalID else { return }
        if request.resourceType == "AWS::Route53::HostedZone" {
            try database.write { db in
                try db.execute("DELETE FROM r53_records WHERE zone_id = ?", [.text(physicalID)])
                try db.execute("DELETE FROM r53_zones WHERE id = ?", [.text(physicalID)])
            }
        } else if let zoneID = request.previousAttributes?["ZoneId"]?.stringValue, let type = request.properties["Type"]?.stringValue {
            try database.write { db in
                try db.execute("DELETE FROM r53_records WHERE zone_id = ? AND name = ? AND type = ?", [.text(zoneID), .text(physicalID), .text(type)])
            }
        }
    }

    /// The record's zone: by id, or by name (created when missing).
    private func zoneID(for request: ResourceRequest) throws -> String {
        if let id = request.properties["HostedZoneId"]?.stringValue { return try zone(id: id, accountID: request.accountID).id }
        guard let name = request.properties["HostedZoneName"]?.stringValue else {
            throw Route53Error.invalidInput("Either HostedZoneId or HostedZoneName must be given.")
        }
        if let existing = try zones(accountID: request.accountID).first(where: { $0.name == Self.absolute(name) }) { return existing.id }
        return try createZone(name: name, accountID: request.accountID, callerReference: "mesh-sandbox-\(Self.absolute(name))")
    }
}

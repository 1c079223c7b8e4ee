public import AWSCore
import SandboxStorage

/// Hosted zone tags: `ListTagsForResource`, and zones as the tagging APIs see them. Route 53 is
/// global, so its zones are listed in `us-east-1`, as AWS's tagging API lists them.
extension Route53Service: TaggedResourceSource {
    static let homeRegion = "us-east-1"

    @Sendable func listTagsForResource(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let type = try input.requiredString("ResourceType"), id = try input.requiredString("ResourceId")
        guard type == "hostedzone" else {
            throw Route53Error.invalidInput("1 validation error detected: Value '\(type)' at 'resourceType' failed to satisfy constraint: Member must satisfy enum value set: [healthcheck, hostedzone]")
        }
        let zone = try zone(id: id, accountID: context.accountID)
        return ["ResourceTagSet": ["ResourceType": "hostedzone", "ResourceId": .string(zone.id), "Tags": TagList.json(zone.tags)]]
    }

    public func taggedResources(accountID: String, region: String) async throws -> [TaggedResource] {
        guard region == Self.homeRegion else { return [] }
        return try zones(accountID: accountID).map { zone in
            TaggedResource(arn: Self.arn(zoneID: zone.id), resourceType: "AWS::Route53::HostedZone", tags: zone.tags)
        }
    }

    public func owns(arn: ARN) -> Bool { arn.service == "route53" && arn.resource.hasPrefix("hostedzone/") }

    public func tagResource(arn: String, tags: [(key: String, value: String)]) async throws {
        try changeTags(arn: arn) { current in TagList.merge(tags, into: &current) }
    }

    public func untagResource(arn: String, keys: [String]) async throws {
        try changeTags(arn: arn) { current in current.removeAll { keys.contains($0.key) } }
    }

    static func arn(zoneID: String) -> String { "arn:aws:route53:::hostedzone/\(zoneID)" }

    private func changeTags(arn text: String, _ change: (inout [(key: String, value: String)]) -> Void) throws {
        guard let arn = ARN(text), owns(arn: arn) else { throw Route53Error.invalidInput("Invalid resource ARN \(text)") }
        // Zone ARNs carry no account; the zone id is unique across the sandbox.
        let id = String(arn.resource.dropFirst("hostedzone/".count))
        let rows = try database.read { db in
            try db.query("SELECT tags FROM r53_zones WHERE id = ?", [.text(id)]) { $0.text(0) }
        }
        guard let row = rows.first else { throw Route53Error.noSuchHostedZone(id) }
        var tags = TagList.parse(row)
        change(&tags)
        try database.write { db in
            _ = try db.execute("UPDATE r53_zones SET tags = ? WHERE id = ?", [.text(TagList.json(tags).serializedString()), .text(id)])
        }
    }
}

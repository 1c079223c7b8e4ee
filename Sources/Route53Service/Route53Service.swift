public import AWSCore
import Foundation
public import SandboxStorage

/// Amazon Route 53 (restXml): the hosted zones and record sets stacks create, readable with
/// `aws route53 list-hosted-zones` / `list-resource-record-sets`. The sandbox's DNS answers
/// their A/AAAA records with its own address.
public final class Route53Service: AWSService {
    public let signingName = "route53"
    public let bindings: [ProtocolBinding] = [
        .restXML(xmlNamespace: "https://route53.amazonaws.com/doc/2013-04-01/", listMemberNames: [
            "HostedZones": "HostedZone", "ResourceRecordSets": "ResourceRecordSet", "ResourceRecords": "ResourceRecord",
            "NameServers": "NameServer", "Tags": "Tag",
        ]),
    ]

    public static let migrations = [
        Migration(id: "route53-0001", sql: """
            CREATE TABLE r53_zones (id TEXT PRIMARY KEY, account TEXT NOT NULL, name TEXT NOT NULL, caller_reference TEXT NOT NULL,
                comment TEXT);
            CREATE TABLE r53_records (zone_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL,
                PRIMARY KEY (zone_id, name, type)) WITHOUT ROWID;
            """),
        // Zone tags as a JSON list of {Key, Value}.
        Migration(id: "route53-0002", sql: "ALTER TABLE r53_zones ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'"),
    ]

    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    public var operations: [AWSOperation] {
        [
            AWSOperation("ListHostedZones", route: RestRoute("GET", "/2013-04-01/hostedzone"), handler: listHostedZones),
            AWSOperation("GetHostedZone", route: RestRoute("GET", "/2013-04-01/hostedzone/{Id}"), handler: getHostedZone),
            AWSOperation("ListResourceRecordSets", route: RestRoute("GET", "/2013-04-01/hostedzone/{Id}/rrset"), handler: listResourceRecordSets),
            AWSOperation("ListTagsForResource", route: RestRoute("GET", "/2013-04-01/tags/{ResourceType}/{ResourceId}"), handler: listTagsForResource),
        ]
    }

    struct Zone {
        var id, name, callerReference: String
        var comment: String?
        var tags: [(key: String, value: String)] = []
    }

    /// `api.smalruby.app` → `api.smalruby.app.` (Route 53 names are absolute).
    static func absolute(_ name: String) -> String { name.hasSuffix(".") ? name.lowercased() : name.lowercased() + "." }

    func zones(accountID: String) throws -> [Zone] {
        try database.read { db in
            try db.query("SELECT id, name, caller_reference, comment, tags FROM r53_zones WHERE account = ? ORDER BY name", [.text(accountID)]) { row in
                Zone(id: row.text(0) ?? "", name: row.text(1) ?? "", callerReference: row.text(2) ?? "", comment: row.isNull(3) ? nil : row.text(3),
                     tags: TagList.parse(row.text(4)))
            }
        }
    }

    func zone(id: String, accountID: String) throws -> Zone {
        let bare = id.hasPrefix("/hostedzone/") ? String(id.dropFirst(12)) : id
        guard let zone = try zones(accountID: accountID).first(where: { $0.id == bare }) else { throw Route53Error.noSuchHostedZone(bare) }
        return zone
    }

    /// Creates a public hosted zone; returns its id.
    @discardableResult
    func createZone(name: String, accountID: String, callerReference: String, comment: String? = nil,
                    tags: [(key: String, value: String)] = []) throws -> String {
        let id = "Z" + String((0..<20).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".randomElement()! })
        try database.write { db in
            try db.execute("INSERT INTO r53_zones (id, account, name, caller_reference, comment, tags) VALUES (?, ?, ?, ?, ?, ?)",
                           [.text(id), .text(accountID), .text(Self.absolute(name)), .text(callerReference), comment.map { .text($0) } ?? .null,
                            .text(TagList.json(tags).serializedString())])
        }
        return id
    }

    func records(zoneID: String) throws -> [JSONValue] {
        try database.read { db in
            try db.query("SELECT body FROM r53_records WHERE zone_id = ? ORDER BY name, type", [.text(zoneID)]) { $0.text(0) ?? "{}" }
        }.map { (try? JSONParser.parse($0)) ?? .null }
    }

    /// The SOA and NS records every hosted zone starts with.
    static func defaultRecords(_ zone: Zone) -> [JSONValue] {
        [
            ["Name": .string(zone.name), "Type": "NS", "TTL": 172800,
             "ResourceRecords": [["Value": "ns-1.awsdns-00.org."], ["Value": "ns-2.awsdns-00.co.uk."]]],
            ["Name": .string(zone.name), "Type": "SOA", "TTL": 900,
             "ResourceRecords": [["Value": "ns-1.awsdns-00.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"]]],
        ]
    }

    /// Whether `name` has an A or AAAA record in any zone (what the sandbox's DNS answers).
    public func hasAddressRecord(_ name: String) -> Bool {
        let count = try? database.read { db in
            try db.query("SELECT count(*) FROM r53_records WHERE name = ? AND type IN ('A', 'AAAA')", [.text(Self.absolute(name))]) { $0.int(0) }
        }.first
        return (count ?? 0) > 0
    }

    func shape(_ zone: Zone) throws -> JSONValue {
        var config: JSONObject = ["PrivateZone": false]
        config.set("Comment", zone.comment.map { .string($0) })
        return ["Id": .string("/hostedzone/\(zone.id)"), "Name": .string(zone.name), "CallerReference": .string(zone.callerReference),
                "Config": .object(config), "ResourceRecordSetCount": .int(try records(zoneID: zone.id).count + 2)]
    }

    // MARK: Operations

    @Sendable func listHostedZones(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        ["HostedZones": .array(try zones(accountID: context.accountID).map(shape)), "IsTruncated": false, "MaxItems": "100"]
    }

    @Sendable func getHostedZone(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let zone = try zone(id: try input.requiredString("Id"), accountID: context.accountID)
        return ["HostedZone": try shape(zone), "DelegationSet": ["NameServers": ["ns-1.awsdns-00.org", "ns-2.awsdns-00.co.uk"]]]
    }

    @Sendable func listResourceRecordSets(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let zone = try zone(id: try input.requiredString("Id"), accountID: context.accountID)
        return ["ResourceRecordSets": .array(Self.defaultRecords(zone) + (try records(zoneID: zone.id))), "IsTruncated": false, "MaxItems": "300"]
    }
}

public enum Route53Error: AWSError, Equatable {
    case noSuchHostedZone(String)
    case invalidInput(String)

    public var code: String {
        switch self {
        case .noSuchHostedZone: "NoSuchHostedZone"
        case .invalidInput: "InvalidInput"
        }
    }

    public var message: String {
        switch self {
        case .noSuchHostedZone(let id): "No hosted zone found with ID: \(id)"
        case .invalidInput(let m): m
        }
    }

    public var httpStatus: Int {
        switch self {
        case .noSuchHostedZone: 404
        case .invalidInput: 400
        }
    }
}

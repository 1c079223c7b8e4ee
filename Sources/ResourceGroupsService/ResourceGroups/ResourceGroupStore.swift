public import AWSCore
import Foundation
public import SandboxStorage

/// Resource groups, one JSON document per group and region. It is also the registry's source for
/// `AWS::ResourceGroups::Group`, so groups can be tagged and grouped like any other resource.
public final class ResourceGroupStore: Sendable {
    public static let migrations = [
        Migration(id: "resource-groups-0001", sql: """
            CREATE TABLE rg_groups (account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
                PRIMARY KEY (account, region, name)) WITHOUT ROWID;
            """),
    ]

    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    func groups(accountID: String, region: String) throws -> [ResourceGroup] {
        try database.read { db in
            try db.query("SELECT body FROM rg_groups WHERE account = ? AND region = ? ORDER BY name", [.text(accountID), .text(region)]) { row in
                row.text(0) ?? ""
            }
        }.compactMap { (try? JSONParser.parse($0))?.objectValue.flatMap(ResourceGroup.init(document:)) }
    }

    func group(named name: String, accountID: String, region: String) throws -> ResourceGroup {
        guard let group = try groups(accountID: accountID, region: region).first(where: { $0.name == name }) else {
            throw ResourceGroupsError.groupNotFound(name)
        }
        return group
    }

    func insert(_ group: ResourceGroup, accountID: String, region: String) throws {
        do {
            try database.write { db in
                _ = try db.execute("INSERT INTO rg_groups (account, region, name, body) VALUES (?, ?, ?, ?)",
                                   [.text(accountID), .text(region), .text(group.name), .text(JSONValue.object(group.document).serializedString())])
            }
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw ResourceGroupsError.badRequest("Cannot create group: group already exists")
        }
    }

    /// Read-modify-write of one group in one transaction.
    @discardableResult
    func update(_ name: String, accountID: String, region: String, _ change: (inout ResourceGroup) throws -> Void) throws -> ResourceGroup {
        try database.write { db in
            let bodies = try db.query("SELECT body FROM rg_groups WHERE account = ? AND region = ? AND name = ?",
                                      [.text(accountID), .text(region), .text(name)]) { $0.text(0) ?? "" }
            guard let body = bodies.first, var group = (try? JSONParser.parse(body))?.objectValue.flatMap(ResourceGroup.init(document:)) else {
                throw ResourceGroupsError.groupNotFound(name)
            }
            try change(&group)
            _ = try db.execute("UPDATE rg_groups SET body = ? WHERE account = ? AND region = ? AND name = ?",
                               [.text(JSONValue.object(group.document).serializedString()), .text(accountID), .text(region), .text(name)])
            return group
        }
    }

    func delete(_ name: String, accountID: String, region: String) throws -> ResourceGroup {
        let group = try group(named: name, accountID: accountID, region: region)
        try database.write { db in
            _ = try db.execute("DELETE FROM rg_groups WHERE account = ? AND region = ? AND name = ?", [.text(accountID), .text(region), .text(name)])
        }
        return group
    }

    /// The group a group ARN names (`arn:aws:resource-groups:<region>:<account>:group/<name>`).
    func group(arn text: String) throws -> ResourceGroup {
        guard let arn = ARN(text), arn.service == "resource-groups", arn.resource.hasPrefix("group/") else {
            throw ResourceGroupsError.constraint(text, at: "arn", "Member must satisfy regular expression pattern: arn:aws(-[a-z]+)*:resource-groups:[a-z]{2}(-[a-z]+)+-\\d{1}:[0-9]{12}:group/([a-zA-Z0-9_\\.-]{1,300}|[a-zA-Z0-9_\\.-]{1,150}/[a-z0-9]{26})")
        }
        return try group(named: String(arn.resource.dropFirst("group/".count)), accountID: arn.accountID, region: arn.region)
    }

    /// Changes a group's tags, found by ARN (Tag, Untag and the tagging API).
    func changeTags(arn text: String, _ change: (inout JSONObject) -> Void) throws {
        let group = try group(arn: text)
        guard let arn = ARN(text) else { return }
        try update(group.name, accountID: arn.accountID, region: arn.region) { change(&$0.tags) }
    }
}

extension ResourceGroupStore: TaggedResourceSource {
    public func taggedResources(accountID: String, region: String) async throws -> [TaggedResource] {
        try groups(accountID: accountID, region: region).map { group in
            TaggedResource(arn: group.arn, resourceType: "AWS::ResourceGroups::Group", tags: group.tags.map { ($0.key, $0.value.stringValue ?? "") })
        }
    }

    public func owns(arn: ARN) -> Bool {
        arn.service == "resource-groups" && arn.resource.hasPrefix("group/")
    }

    public func tagResource(arn: String, tags: [(key: String, value: String)]) async throws {
        try changeTags(arn: arn) { current in for (k, v) in tags { current[k] = .string(v) } }
    }

    public func untagResource(arn: String, keys: [String]) async throws {
        try changeTags(arn: arn) { current in for k in keys { current[k] = nil } }
    }
}

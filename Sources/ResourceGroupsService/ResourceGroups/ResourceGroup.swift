import AWSCore

/// A resource group: what `CreateGroup` stored, kept as the document `GetGroup` renders.
struct ResourceGroup: Sendable {
    var name: String
    var arn: String
    var description: String?
    var criticality: Int?
    var owner: String?
    var displayName: String?
    var query: ResourceQuery
    var tags: JSONObject

    /// The `Group` structure.
    var shape: JSONValue {
        var o: JSONObject = ["GroupArn": .string(arn), "Name": .string(name)]
        o.set("Description", description.map(JSONValue.string))
        o.set("Criticality", criticality.map { .int($0) })
        o.set("Owner", owner.map(JSONValue.string))
        o.set("DisplayName", displayName.map(JSONValue.string))
        return .object(o)
    }

    /// The `GroupIdentifier` structure `ListGroups` returns next to `Groups`.
    var identifier: JSONValue {
        var o = shape.objectValue ?? [:]
        o["GroupName"] = o["Name"]
        o["Name"] = nil
        return .object(o)
    }

    /// The `GroupQuery` structure.
    var groupQuery: JSONValue { ["GroupName": .string(name), "ResourceQuery": query.shape] }

    var document: JSONObject {
        var o = shape.objectValue ?? [:]
        o["ResourceQuery"] = query.shape
        o["Tags"] = .object(tags)
        return o
    }

    init(name: String, arn: String, description: String?, query: ResourceQuery, tags: JSONObject) {
        self.name = name
        self.arn = arn
        self.description = description
        self.query = query
        self.tags = tags
    }

    init?(document o: JSONObject) {
        guard let name = o["Name"]?.stringValue, let arn = o["GroupArn"]?.stringValue,
              let q = o["ResourceQuery"], let query = try? ResourceQuery(type: q["Type"]?.stringValue ?? "", query: q["Query"]?.stringValue ?? "")
        else { return nil }
        self.init(name: name, arn: arn, description: o["Description"]?.stringValue, query: query, tags: o["Tags"]?.objectValue ?? [:])
        criticality = o["Criticality"]?.intValue
        owner = o["Owner"]?.stringValue
        displayName = o["DisplayName"]?.stringValue
    }

    static func arn(_ name: String, accountID: String, region: String) -> String {
        ARN(service: "resource-groups", region: region, accountID: accountID, resource: "group/\(name)").description
    }
}

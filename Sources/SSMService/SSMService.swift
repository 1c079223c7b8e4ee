public import AWSCore
import Foundation
public import SandboxStorage

/// AWS Systems Manager Parameter Store (awsJson 1.1, `X-Amz-Target: AmazonSSM.<Op>`): the
/// parameters CDK bootstrap writes and `AWS::SSM::Parameter::Value<…>` template parameters read.
public final class SSMService: AWSService, ParameterLookup {
    public let signingName = "ssm"
    public let bindings: [ProtocolBinding] = [.json(version: "1.1", targetPrefix: "AmazonSSM", errorNamespace: nil)]

    public static let migrations = [
        Migration(id: "ssm-0001", sql: """
            CREATE TABLE ssm_parameters (account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
                value TEXT NOT NULL, version INTEGER NOT NULL, description TEXT, data_type TEXT NOT NULL, modified REAL NOT NULL,
                PRIMARY KEY (account, region, name)) WITHOUT ROWID
            """),
        // Tags as a JSON list of {Key, Value}, in the order they were given.
        Migration(id: "ssm-0002", sql: "ALTER TABLE ssm_parameters ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'"),
    ]

    let database: SQLiteDatabase
    let clock: any SandboxClock

    public init(database: SQLiteDatabase, clock: any SandboxClock) {
        self.database = database
        self.clock = clock
    }

    public var operations: [AWSOperation] {
        [
            AWSOperation("PutParameter", handler: putParameter),
            AWSOperation("GetParameter", handler: getParameter),
            AWSOperation("GetParameters", handler: getParameters),
            AWSOperation("GetParametersByPath", handler: getParametersByPath),
            AWSOperation("DeleteParameter", handler: deleteParameter),
            AWSOperation("DescribeParameters", handler: describeParameters),
            AWSOperation("AddTagsToResource", handler: addTagsToResource),
            AWSOperation("RemoveTagsFromResource", handler: removeTagsFromResource),
            AWSOperation("ListTagsForResource", handler: listTagsForResource),
        ]
    }

    struct Parameter {
        var name, type, value, dataType: String
        var version: Int64
        var description: String?
        var modified: Date
        var tags: [(key: String, value: String)]
    }

    // MARK: Swift API

    /// Stores a parameter (overwriting), as `put-parameter --overwrite` does; `tags`, when given, replace its tags.
    public func put(name: String, value: String, type: String = "String", tags: [(key: String, value: String)]? = nil,
                    accountID: String, region: String) throws {
        let tagText: SQLValue = tags.map { .text(TagList.json($0).serializedString()) } ?? .null
        try database.write { db in
            try db.execute("""
                INSERT INTO ssm_parameters (account, region, name, type, value, version, data_type, modified, tags)
                VALUES (?, ?, ?, ?, ?, 1, 'text', ?, COALESCE(?, '[]'))
                ON CONFLICT(account, region, name) DO UPDATE SET value = excluded.value, type = excluded.type,
                    version = ssm_parameters.version + 1, modified = excluded.modified, tags = COALESCE(?, ssm_parameters.tags)
                """, [.text(accountID), .text(region), .text(name), .text(type), .text(value), .double(clock.now.timeIntervalSince1970),
                      tagText, tagText])
        }
    }

    /// Deletes a parameter; false when there was none.
    func remove(name: String, accountID: String, region: String) throws -> Bool {
        try database.write { db in
            try db.execute("DELETE FROM ssm_parameters WHERE account = ? AND region = ? AND name = ?",
                           [.text(accountID), .text(region), .text(name)])
        } > 0
    }

    public func parameterValue(named name: String, accountID: String, region: String) -> String? {
        (try? parameter(name, accountID: accountID, region: region))??.value
    }

    func parameter(_ name: String, accountID: String, region: String) throws -> Parameter? {
        try parameters(where: "name = ?", [.text(name)], accountID: accountID, region: region).first
    }

    func parameters(where clause: String, _ bindings: [SQLValue], accountID: String, region: String) throws -> [Parameter] {
        try database.read { db in
            try db.query("SELECT name, type, value, data_type, version, description, modified, tags FROM ssm_parameters WHERE account = ? AND region = ? AND \(clause) ORDER BY name",
                         [.text(accountID), .text(region)] + bindings) { row in
                Parameter(name: row.text(0) ?? "", type: row.text(1) ?? "", value: row.text(2) ?? "", dataType: row.text(3) ?? "text",
                          version: row.int(4), description: row.isNull(5) ? nil : row.text(5),
                          modified: Date(timeIntervalSince1970: row.double(6)), tags: TagList.parse(row.text(7)))
            }
        }
    }

    // MARK: Operations

    static func shape(_ p: Parameter, context: AWSRequestContext) -> JSONValue {
        [
            "Name": .string(p.name), "Type": .string(p.type), "Value": .string(p.value), "Version": .int(p.version),
            "LastModifiedDate": .timestamp(p.modified), "DataType": .string(p.dataType),
            "ARN": .string(arn(p.name, accountID: context.accountID, region: context.region)),
        ]
    }

    @Sendable func putParameter(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try input.requiredString("Name")
        let value = try input.requiredString("Value")
        let type = try input.string("Type") ?? "String"
        guard ["String", "StringList", "SecureString"].contains(type) else {
            throw SSMError.validation("1 validation error detected: Value '\(type)' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]")
        }
        let existing = try parameter(name, accountID: context.accountID, region: context.region)
        let tags = try input.array("Tags").map(Self.tags(from:))
        if tags != nil, try input.bool("Overwrite") == true {
            throw SSMError.validation("Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.")
        }
        if existing != nil, try input.bool("Overwrite") != true {
            throw SSMError.parameterAlreadyExists
        }
        try put(name: name, value: value, type: type, tags: tags, accountID: context.accountID, region: context.region)
        return ["Version": .int((existing?.version ?? 0) + 1), "Tier": "Standard"]
    }

    @Sendable func getParameter(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try input.requiredString("Name")
        guard let p = try parameter(name, accountID: context.accountID, region: context.region) else { throw SSMError.parameterNotFound }
        return ["Parameter": Self.shape(p, context: context)]
    }

    @Sendable func getParameters(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let names = (try input.array("Names") ?? []).compactMap(\.stringValue)
        var found: [JSONValue] = []
        var invalid: [JSONValue] = []
        for name in names {
            if let p = try parameter(name, accountID: context.accountID, region: context.region) { found.append(Self.shape(p, context: context)) } else { invalid.append(.string(name)) }
        }
        return ["Parameters": .array(found), "InvalidParameters": .array(invalid)]
    }

    @Sendable func getParametersByPath(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        var path = try input.requiredString("Path")
        if !path.hasSuffix("/") { path += "/" }
        let recursive = try input.bool("Recursive") ?? false
        let matches = try parameters(where: "substr(name, 1, ?) = ?", [.integer(Int64(path.utf8.count)), .text(path)],
                                     accountID: context.accountID, region: context.region)
            .filter { recursive || !$0.name.dropFirst(path.count).contains("/") }
        return ["Parameters": .array(matches.map { Self.shape($0, context: context) })]
    }

    @Sendable func deleteParameter(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let name = try input.requiredString("Name")
        guard try remove(name: name, accountID: context.accountID, region: context.region) else { throw SSMError.parameterNotFound }
        return .object(JSONObject())
    }

    @Sendable func describeParameters(_ input: OperationInput, _ context: AWSRequestContext) async throws -> JSONValue {
        let all = try parameters(where: "1 = 1", [], accountID: context.accountID, region: context.region)
        return ["Parameters": .array(all.map { p in
            ["Name": .string(p.name), "Type": .string(p.type), "Version": .int(p.version), "LastModifiedDate": .timestamp(p.modified),
             "DataType": .string(p.dataType), "Tier": "Standard", "Policies": []]
        })]
    }
}

/// SSM's errors (awsJson 1.1: `__type` is the bare code).
public enum SSMError: AWSError, Equatable {
    case parameterNotFound
    case parameterAlreadyExists
    case invalidResourceId
    case invalidResourceType
    case validation(String)

    public var code: String {
        switch self {
        case .parameterNotFound: "ParameterNotFound"
        case .parameterAlreadyExists: "ParameterAlreadyExists"
        case .invalidResourceId: "InvalidResourceId"
        case .invalidResourceType: "InvalidResourceType"
        case .validation: "ValidationException"
        }
    }

    public var message: String {
        switch self {
        case .parameterNotFound, .invalidResourceId, .invalidResourceType: ""
        case .parameterAlreadyExists: "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."
        case .validation(let m): m
        }
    }

    public var httpStatus: Int { 400 }
}

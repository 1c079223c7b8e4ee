import AWSCore
import Foundation
import SandboxStorage

/// Stacks, events and change sets in SQLite, each row one record as JSON.
struct CloudFormationStore: Sendable {
    let database: SQLiteDatabase

    static let migrations = [
        Migration(id: "cfn-0001", sql: """
            CREATE TABLE cfn_stacks (stack_id TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL,
                name TEXT NOT NULL, deleted INTEGER NOT NULL, created REAL NOT NULL, body TEXT NOT NULL);
            CREATE INDEX cfn_stacks_by_name ON cfn_stacks (account, region, name, deleted);
            CREATE TABLE cfn_events (stack_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
                PRIMARY KEY (stack_id, seq)) WITHOUT ROWID;
            CREATE TABLE cfn_change_sets (change_set_id TEXT PRIMARY KEY, stack_id TEXT NOT NULL, name TEXT NOT NULL,
                body TEXT NOT NULL);
            CREATE INDEX cfn_change_sets_by_stack ON cfn_change_sets (stack_id, name);
            """),
    ]

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .secondsSince1970
        return e
    }()
    private static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .secondsSince1970
        return d
    }()

    static func encode<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T { try decoder.decode(type, from: Data(text.utf8)) }

    func save(_ stack: StackRecord) throws {
        let body = try Self.encode(stack)
        try database.write { db in
            try db.execute("""
                INSERT INTO cfn_stacks (stack_id, account, region, name, deleted, created, body) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(stack_id) DO UPDATE SET deleted = excluded.deleted, body = excluded.body
                """, [.text(stack.stackID), .text(stack.accountID), .text(stack.region), .text(stack.stackName),
                      .integer(stack.isDeleted ? 1 : 0), .double(stack.creationTime.timeIntervalSince1970), .text(body)])
        }
    }

    /// The live stack called `nameOrID` (a name matches only live stacks; an id matches deleted ones too).
    func stack(_ nameOrID: String, accountID: String, region: String) throws -> StackRecord? {
        let rows: [String]
        if nameOrID.hasPrefix("arn:") {
            rows = try database.read { try $0.query("SELECT body FROM cfn_stacks WHERE stack_id = ?", [.text(nameOrID)]) { $0.text(0) ?? "" } }
        } else {
            rows = try database.read {
                try $0.query("SELECT body FROM cfn_stacks WHERE account = ? AND region = ? AND name = ? AND deleted = 0",
                             [.text(accountID), .text(region), .text(nameOrID)]) { $0.text(0) ?? "" }
            }
        }
        return try rows.first.map { try Self.decode(StackRecord.self, $0) }
    }

    /// Every stack of an account and region, oldest first; deleted ones only when asked.
    func stacks(accountID: String, region: String, includeDeleted: Bool) throws -> [StackRecord] {
        try database.read {
            try $0.query("SELECT body FROM cfn_stacks WHERE account = ? AND region = ? AND deleted <= ? ORDER BY created",
                         [.text(accountID), .text(region), .integer(includeDeleted ? 1 : 0)]) { $0.text(0) ?? "" }
        }.map { try Self.decode(StackRecord.self, $0) }
    }

    /// Every live stack of an account, in any region (IAM resources have no region to look in).
    func liveStacks(accountID: String) throws -> [StackRecord] {
        try database.read {
            try $0.query("SELECT body FROM cfn_stacks WHERE account = ? AND deleted = 0 ORDER BY created", [.text(accountID)]) { $0.text(0) ?? "" }
        }.map { try Self.decode(StackRecord.self, $0) }
    }

    func append(_ events: [StackEvent]) throws {
        guard let stackID = events.first?.stackID else { return }
        let bodies = try events.map { try Self.encode($0) }
        try database.write { db in
            let next = try db.query("SELECT COALESCE(MAX(seq), 0) FROM cfn_events WHERE stack_id = ?", [.text(stackID)]) { $0.int(0) }.first ?? 0
            for (i, body) in bodies.enumerated() {
                try db.execute("INSERT INTO cfn_events (stack_id, seq, body) VALUES (?, ?, ?)",
                               [.text(stackID), .integer(next + Int64(i) + 1), .text(body)])
            }
        }
    }

    /// Events newest first, as DescribeStackEvents lists them.
    func events(stackID: String) throws -> [StackEvent] {
        try database.read {
            try $0.query("SELECT body FROM cfn_events WHERE stack_id = ? ORDER BY seq DESC", [.text(stackID)]) { $0.text(0) ?? "" }
        }.map { try Self.decode(StackEvent.self, $0) }
    }

    func save(_ changeSet: ChangeSetRecord) throws {
        let body = try Self.encode(changeSet)
        try database.write { db in
            try db.execute("""
                INSERT INTO cfn_change_sets (change_set_id, stack_id, name, body) VALUES (?, ?, ?, ?)
                ON CONFLICT(change_set_id) DO UPDATE SET body = excluded.body
                """, [.text(changeSet.changeSetID), .text(changeSet.stackID), .text(changeSet.changeSetName), .text(body)])
        }
    }

    func deleteChangeSet(_ id: String) throws {
        try database.write { try $0.execute("DELETE FROM cfn_change_sets WHERE change_set_id = ?", [.text(id)]) }
    }

    func changeSets(stackID: String) throws -> [ChangeSetRecord] {
        try database.read {
            try $0.query("SELECT body FROM cfn_change_sets WHERE stack_id = ? ORDER BY rowid", [.text(stackID)]) { $0.text(0) ?? "" }
        }.map { try Self.decode(ChangeSetRecord.self, $0) }
    }

    func changeSet(id: String) throws -> ChangeSetRecord? {
        try database.read {
            try $0.query("SELECT body FROM cfn_change_sets WHERE change_set_id = ?", [.text(id)]) { $0.text(0) ?? "" }
        }.first.map { try Self.decode(ChangeSetRecord.self, $0) }
    }
}

import AWSCore
@testable import DynamoDBService
import Foundation
import SandboxStorage
import Testing

/// A service over an in-memory database with a manual clock.
struct Harness {
    let service: DynamoDBService
    let clock: ManualClock

    init() throws {
        clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        service = try DynamoDBService(database: try SQLiteDatabase(path: nil), clock: clock)
    }

    /// Calls an operation with a JSON request body.
    @discardableResult
    func call(_ operation: String, _ json: String) async throws -> JSONValue {
        guard case .object(let members) = try JSONParser.parse(json) else { fatalError("test input must be an object") }
        return try await service.call(operation, members, region: "us-east-1", accountID: "123456789012")
    }

    /// The DynamoDBError an operation fails with (Issue recorded if it succeeds).
    func error(_ operation: String, _ json: String, sourceLocation: SourceLocation = #_sourceLocation) async -> DynamoDBError? {
        do {
            let result = try await call(operation, json)
            Issue.record("expected \(operation) to fail, got \(result.serializedString())", sourceLocation: sourceLocation)
            return nil
        } catch let e as DynamoDBError {
            return e
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    func expectValidation(_ operation: String, _ json: String, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) async {
        let e = await error(operation, json, sourceLocation: sourceLocation)
        #expect(e?.code == "ValidationException", sourceLocation: sourceLocation)
        #expect(e?.message == message, sourceLocation: sourceLocation)
    }

    /// Creates `name` with string `pk` and (optionally) `sk` of `skType`, on-demand.
    func createTable(_ name: String = "Tbl", sk: String? = "S", extra: String = "") async throws {
        let defs = sk.map { #"[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"\#($0)"}]"# }
            ?? #"[{"AttributeName":"pk","AttributeType":"S"}]"#
        let schema = sk != nil ? #"[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]"#
            : #"[{"AttributeName":"pk","KeyType":"HASH"}]"#
        try await call("CreateTable", #"{"TableName":"\#(name)","AttributeDefinitions":\#(defs),"KeySchema":\#(schema),"BillingMode":"PAY_PER_REQUEST"\#(extra)}"#)
    }
}

extension JSONValue {
    /// Follows a path of object keys / array indices.
    subscript(path path: Any...) -> JSONValue? {
        var current: JSONValue? = self
        for step in path {
            if let k = step as? String { current = current?[k] } else if let i = step as? Int { current = current?.arrayValue.flatMap { i < $0.count ? $0[i] : nil } }
        }
        return current
    }
}

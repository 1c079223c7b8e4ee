import AWSCore
import Foundation
import SandboxStorage
import Testing
@testable import DynamoDBService

/// What DynamoDB reports to the meter: request units with DynamoDB's rounding, on-demand only.
@Suite struct DynamoDBMeteringTests {
    func service(_ meter: RecordingMeter) throws -> DynamoDBService {
        try DynamoDBService(database: try SQLiteDatabase(path: nil), clock: ManualClock(), meter: meter)
    }

    func createTable(_ ddb: DynamoDBService, _ name: String, onDemand: Bool) async throws {
        var input: JSONObject = ["TableName": .string(name), "KeySchema": [["AttributeName": "pk", "KeyType": "HASH"]],
                                 "AttributeDefinitions": [["AttributeName": "pk", "AttributeType": "S"]]]
        if onDemand { input["BillingMode"] = "PAY_PER_REQUEST" } else {
            input["ProvisionedThroughput"] = ["ReadCapacityUnits": 5, "WriteCapacityUnits": 5]
        }
        _ = try await ddb.call("CreateTable", input, region: "ap-northeast-1", accountID: account)
    }

    /// An item of `bytes` bytes: key `pk` (2 + 1) plus attribute `d` (1 + n).
    func item(_ key: String, bytes: Int) -> JSONValue {
        ["pk": ["S": .string(key)], "d": ["S": .string(String(repeating: "x", count: bytes - 2 - key.utf8.count - 1))]]
    }

    @Test func requestUnitsFollowDynamoDBRounding() async throws {
        let meter = RecordingMeter()
        let ddb = try service(meter)
        try await createTable(ddb, "Tbl", onDemand: true)
        _ = try await ddb.call("PutItem", ["TableName": "Tbl", "Item": item("a", bytes: 1500)], region: "ap-northeast-1", accountID: account)  // 2 WRU
        _ = try await ddb.call("PutItem", ["TableName": "Tbl", "Item": item("b", bytes: 100)], region: "ap-northeast-1", accountID: account)   // 1 WRU
        #expect(meter.total("WriteRequestUnits") == 3)
        _ = try await ddb.call("GetItem", ["TableName": "Tbl", "Key": ["pk": ["S": "a"]]], region: "ap-northeast-1", accountID: account)  // ½ RRU
        _ = try await ddb.call("GetItem", ["TableName": "Tbl", "Key": ["pk": ["S": "a"]], "ConsistentRead": true], region: "ap-northeast-1", accountID: account)  // 1
        #expect(meter.total("ReadRequestUnits") == 1.5)
        _ = try await ddb.call("TransactWriteItems", ["TransactItems": [["Put": ["TableName": "Tbl", "Item": item("c", bytes: 100)]]]],
                               region: "ap-northeast-1", accountID: account)  // 2 × 1 WRU
        #expect(meter.total("WriteRequestUnits") == 5)
        _ = try await ddb.call("Query", ["TableName": "Tbl", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": [":p": ["S": "a"]]],
                               region: "ap-northeast-1", accountID: account)  // ½ RRU
        #expect(meter.total("ReadRequestUnits") == 2)
        // A failed condition still costs the existing item's write units (1500 B → 2).
        await #expect(throws: (any Error).self) {
            _ = try await ddb.call("PutItem", ["TableName": "Tbl", "Item": item("a", bytes: 100), "ConditionExpression": "attribute_not_exists(pk)"],
                                   region: "ap-northeast-1", accountID: account)
        }
        #expect(meter.total("WriteRequestUnits") == 7)
        let record = try #require(meter.records.first)
        #expect(record.service == "Amazon DynamoDB" && record.region == "ap-northeast-1" && record.accountID == account)
        #expect(record.resourceARN == "arn:aws:dynamodb:ap-northeast-1:\(account):table/Tbl")
    }

    @Test func provisionedTablesBillCapacityHoursNotRequests() async throws {
        let meter = RecordingMeter()
        let ddb = try service(meter)
        try await createTable(ddb, "Prv", onDemand: false)
        _ = try await ddb.call("PutItem", ["TableName": "Prv", "Item": item("a", bytes: 100)], region: "ap-northeast-1", accountID: account)
        #expect(meter.total("WriteRequestUnits") == 0)
        try ddb.meterStorage(over: 3600)
        #expect(meter.total("ReadCapacityUnit-Hrs") == 5)
        #expect(meter.total("WriteCapacityUnit-Hrs") == 5)
        #expect(meter.total("TimedStorage-ByteHrs") > 0)
    }
}

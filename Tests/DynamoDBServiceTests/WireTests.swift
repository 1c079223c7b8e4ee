import AWSCore
@testable import DynamoDBService
import Foundation
import SandboxStorage
import Testing

/// Requests through the awsJson 1.0 router, as SDKs send them.
@Suite struct WireTests {
    let router: AWSProtocolRouter

    init() throws {
        let service = try DynamoDBService(database: try SQLiteDatabase(path: nil), clock: ManualClock(Date(timeIntervalSince1970: 1_800_000_000)))
        router = AWSProtocolRouter(services: [service])
    }

    func send(_ operation: String, _ body: String) async throws -> (status: Int, body: JSONValue) {
        var headers = HTTPHeaders()
        headers.add("x-amz-target", "DynamoDB_20120810.\(operation)")
        headers.add("content-type", "application/x-amz-json-1.0")
        let outcome = await router.route(AWSRequest(method: "POST", target: "/", headers: headers, body: Array(body.utf8)))
        return (outcome.response.status, try JSONParser.parse(outcome.response.body))
    }

    @Test func errorShapesOnTheWire() async throws {
        _ = try await send("CreateTable", #"{"TableName":"Wire","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}"#)
        let described = try await send("DescribeTable", #"{"TableName":"Wire"}"#)
        #expect(described.status == 200)
        #expect(described.body[path: "Table", "CreationDateTime"] == .number("1800000000"))

        let missing = try await send("DescribeTable", #"{"TableName":"Nope"}"#)
        #expect(missing.status == 400)
        #expect(missing.body == ["__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "message": "Requested resource not found: Table: Nope not found"])

        let invalid = try await send("PutItem", #"{"TableName":"Wire","Item":{"pk":{"S":"a"},"s":{"SS":[]}}}"#)
        #expect(invalid.body[path: "__type"] == "com.amazon.coral.validate#ValidationException")

        _ = try await send("PutItem", #"{"TableName":"Wire","Item":{"pk":{"S":"a"},"v":{"N":"1"}}}"#)
        let failed = try await send("PutItem", #"{"TableName":"Wire","Item":{"pk":{"S":"a"}},"ConditionExpression":"attribute_not_exists(pk)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}"#)
        #expect(failed.body == ["__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", "message": "The conditional request failed",
                                "Item": ["pk": ["S": "a"], "v": ["N": "1"]]])

        let cancelled = try await send("TransactWriteItems", #"{"TransactItems":[{"ConditionCheck":{"TableName":"Wire","Key":{"pk":{"S":"a"}},"ConditionExpression":"attribute_not_exists(pk)"}}]}"#)
        #expect(cancelled.body[path: "__type"] == "com.amazonaws.dynamodb.v20120810#TransactionCanceledException")
        #expect(cancelled.body[path: "CancellationReasons"] == [["Code": "ConditionalCheckFailed", "Message": "The conditional request failed"]])
    }

    @Test func hostileExpressionsAnswerQuickly() async throws {
        _ = try await send("CreateTable", #"{"TableName":"Wire","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}"#)
        let start = Date()
        let parens = String(repeating: "(", count: 20_000) + "a = :v" + String(repeating: ")", count: 20_000)
        let r1 = try await send("Scan", #"{"TableName":"Wire","FilterExpression":"\#(parens)","ExpressionAttributeValues":{":v":{"S":"x"}}}"#)
        #expect(r1.body[path: "__type"] == "com.amazon.coral.validate#ValidationException")
        let megabyte = String(repeating: "a = :v OR ", count: 100_000) + "a = :v"
        let r2 = try await send("Scan", #"{"TableName":"Wire","FilterExpression":"\#(megabyte)","ExpressionAttributeValues":{":v":{"S":"x"}}}"#)
        #expect(r2.body[path: "__type"] == "com.amazon.coral.validate#ValidationException")
        let deep = String(repeating: "(", count: 1500) + "a = :v" + String(repeating: ")", count: 1500)
        let r3 = try await send("Scan", #"{"TableName":"Wire","FilterExpression":"\#(deep)","ExpressionAttributeValues":{":v":{"S":"x"}}}"#)
        #expect(r3.status == 400)
        let wrongTypes = try await send("PutItem", #"{"TableName":"Wire","Item":{"pk":{"S":1}}}"#)
        #expect(wrongTypes.status == 400)
        let wrongTypes2 = try await send("Query", #"{"TableName":"Wire","KeyConditionExpression":5}"#)
        #expect(wrongTypes2.status == 400)
        #expect(Date().timeIntervalSince(start) < 2)
    }
}

import AWSCore
@testable import DynamoDBService
import Foundation
import SandboxStorage
import Testing

@Suite struct TableOperationTests {
    @Test func createDescribeListDelete() async throws {
        let h = try Harness()
        let created = try await h.call("CreateTable", #"""
            {"TableName":"MeshV2Table-dev","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"groupId","AttributeType":"S"}],
             "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
             "GlobalSecondaryIndexes":[{"IndexName":"GroupIdIndex","KeySchema":[{"AttributeName":"groupId","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}],
             "BillingMode":"PAY_PER_REQUEST","Tags":[{"Key":"stage","Value":"dev"}]}
            """#)
        #expect(created[path: "TableDescription", "TableStatus"] == "ACTIVE")
        let d = try await h.call("DescribeTable", #"{"TableName":"MeshV2Table-dev"}"#)
        #expect(d[path: "Table", "TableArn"] == "arn:aws:dynamodb:us-east-1:123456789012:table/MeshV2Table-dev")
        #expect(d[path: "Table", "BillingModeSummary", "BillingMode"] == "PAY_PER_REQUEST")
        #expect(d[path: "Table", "ProvisionedThroughput", "ReadCapacityUnits"] == 0)
        #expect(d[path: "Table", "GlobalSecondaryIndexes", 0, "IndexArn"] == "arn:aws:dynamodb:us-east-1:123456789012:table/MeshV2Table-dev/index/GroupIdIndex")
        #expect(d[path: "Table", "GlobalSecondaryIndexes", 0, "IndexStatus"] == "ACTIVE")
        #expect(d[path: "Table", "ItemCount"] == 0)
        #expect(d[path: "Table", "TableId"]?.stringValue?.count == 36)

        let dup = await h.error("CreateTable", #"{"TableName":"MeshV2Table-dev","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}"#)
        #expect(dup?.code == "ResourceInUseException")
        #expect(dup?.message == "Table already exists: MeshV2Table-dev")

        try await h.createTable("Another")
        let list = try await h.call("ListTables", #"{"Limit":1}"#)
        #expect(list[path: "TableNames"] == ["Another"])
        #expect(list[path: "LastEvaluatedTableName"] == "Another")
        let rest = try await h.call("ListTables", #"{"ExclusiveStartTableName":"Another"}"#)
        #expect(rest[path: "TableNames"] == ["MeshV2Table-dev"])
        #expect(rest[path: "LastEvaluatedTableName"] == nil)

        let deleted = try await h.call("DeleteTable", #"{"TableName":"Another"}"#)
        #expect(deleted[path: "TableDescription", "TableStatus"] == "DELETING")
        let missing = await h.error("DescribeTable", #"{"TableName":"Another"}"#)
        #expect(missing?.code == "ResourceNotFoundException")
        #expect(missing?.message == "Requested resource not found: Table: Another not found")
        let putMissing = await h.error("PutItem", #"{"TableName":"Another","Item":{"pk":{"S":"a"}}}"#)
        #expect(putMissing?.message == "Requested resource not found")
    }

    @Test func createTableValidation() async throws {
        let h = try Harness()
        await h.expectValidation("CreateTable", #"{"TableName":"ab","AttributeDefinitions":[],"KeySchema":[]}"#,
                                 "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3")
        await h.expectValidation("CreateTable", #"{"TableName":"abc","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}"#,
                                 "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [id], AttributeDefinitions: [pk]")
        await h.expectValidation("CreateTable", #"{"TableName":"abc","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"x","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}"#,
                                 "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
        await h.expectValidation("CreateTable", #"{"TableName":"abc","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}"#,
                                 "No provisioned throughput specified for the table")
    }

    @Test func tablesSurviveRestart() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ddb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("db.sqlite").path
        do {
            let s = try DynamoDBService(database: try SQLiteDatabase(path: path), clock: ManualClock())
            _ = try await s.call("CreateTable", try JSONParser.parse(#"{"TableName":"Persisted","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}"#).objectValue!)
            _ = try await s.call("PutItem", try JSONParser.parse(#"{"TableName":"Persisted","Item":{"pk":{"S":"a"},"n":{"N":"1.50"}}}"#).objectValue!)
        }
        let s2 = try DynamoDBService(database: try SQLiteDatabase(path: path), clock: ManualClock())
        let got = try await s2.call("GetItem", try JSONParser.parse(#"{"TableName":"Persisted","Key":{"pk":{"S":"a"}}}"#).objectValue!)
        #expect(got[path: "Item", "n", "N"] == "1.5")
    }

    @Test func timeToLiveAndSweeper() async throws {
        let h = try Harness()
        try await h.createTable(sk: nil)
        let now = Int(h.clock.now.timeIntervalSince1970)
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"old"},"ttl":{"N":"\#(now - 10)"}}}"#)
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"future"},"ttl":{"N":"\#(now + 10)"}}}"#)
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"ancient"},"ttl":{"N":"\#(now - 6 * 365 * 86400)"}}}"#)
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"text"},"ttl":{"S":"\#(now - 10)"}}}"#)
        #expect(try h.service.sweepExpiredItems() == 0)  // TTL not enabled yet
        let d0 = try await h.call("DescribeTimeToLive", #"{"TableName":"Tbl"}"#)
        #expect(d0 == ["TimeToLiveDescription": ["TimeToLiveStatus": "DISABLED"]])
        let u = try await h.call("UpdateTimeToLive", #"{"TableName":"Tbl","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"ttl"}}"#)
        #expect(u == ["TimeToLiveSpecification": ["Enabled": true, "AttributeName": "ttl"]])
        await h.expectValidation("UpdateTimeToLive", #"{"TableName":"Tbl","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"ttl"}}"#, "TimeToLive is already enabled")
        // Reads do not hide expired items by themselves.
        let before = try await h.call("GetItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"old"}}}"#)
        #expect(before[path: "Item"] != nil)
        #expect(try h.service.sweepExpiredItems() == 1)
        let after = try await h.call("Scan", #"{"TableName":"Tbl"}"#)
        #expect(after[path: "Count"] == 3)
        h.clock.advance(by: 20)
        #expect(try h.service.sweepExpiredItems() == 1)
    }

    @Test func backgroundSweeperDeletesExpiredItems() async throws {
        let h = try Harness()
        try await h.createTable(sk: nil)
        try await h.call("UpdateTimeToLive", #"{"TableName":"Tbl","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"expires"}}"#)
        let now = Int(h.clock.now.timeIntervalSince1970)
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"gone"},"expires":{"N":"\#(now - 1)"}}}"#)
        let sweeper = Task { await h.service.runTTLSweeper(every: .milliseconds(5)) }
        defer { sweeper.cancel() }
        for _ in 0..<200 {
            if try await h.call("GetItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"gone"}}}"#) == [:] { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("expired item was not swept")
    }

    @Test func featureDescriptions() async throws {
        let h = try Harness()
        try await h.createTable()
        #expect(try await h.call("DescribeContinuousBackups", #"{"TableName":"Tbl"}"#)
            == ["ContinuousBackupsDescription": ["ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": ["PointInTimeRecoveryStatus": "DISABLED"]]])
        try await h.call("UpdateContinuousBackups", #"{"TableName":"Tbl","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}}"#)
        let d = try await h.call("DescribeContinuousBackups", #"{"TableName":"Tbl"}"#)
        #expect(d[path: "ContinuousBackupsDescription", "PointInTimeRecoveryDescription", "PointInTimeRecoveryStatus"] == "ENABLED")
        #expect(try await h.call("DescribeKinesisStreamingDestination", #"{"TableName":"Tbl"}"#) == ["TableName": "Tbl", "KinesisDataStreamDestinations": []])
        // The backup APIs document TableNotFoundException rather than ResourceNotFoundException.
        #expect(await h.error("DescribeContinuousBackups", #"{"TableName":"Nope"}"#)?.code == "TableNotFoundException")
    }

    @Test func tags() async throws {
        let h = try Harness()
        try await h.createTable()
        let arn = "arn:aws:dynamodb:us-east-1:123456789012:table/Tbl"
        try await h.call("TagResource", #"{"ResourceArn":"\#(arn)","Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]}"#)
        try await h.call("UntagResource", #"{"ResourceArn":"\#(arn)","TagKeys":["a"]}"#)
        let tags = try await h.call("ListTagsOfResource", #"{"ResourceArn":"\#(arn)"}"#)
        #expect(tags == ["Tags": [["Key": "b", "Value": "2"]]])
        let missing = await h.error("ListTagsOfResource", #"{"ResourceArn":"arn:aws:dynamodb:us-east-1:123456789012:table/Nope"}"#)
        #expect(missing?.code == "ResourceNotFoundException")
    }

    @Test func updateTableAddsAndRemovesGSI() async throws {
        let h = try Harness()
        try await h.createTable()
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"g":{"S":"G"}}}"#)
        let updated = try await h.call("UpdateTable", #"""
            {"TableName":"Tbl","AttributeDefinitions":[{"AttributeName":"g","AttributeType":"S"}],
             "GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"ByG","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}}]}
            """#)
        #expect(updated[path: "TableDescription", "GlobalSecondaryIndexes", 0, "ItemCount"] == 1)
        let q = try await h.call("Query", #"{"TableName":"Tbl","IndexName":"ByG","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"G"}}}"#)
        #expect(q[path: "Items", 0] == ["pk": ["S": "a"], "sk": ["S": "1"], "g": ["S": "G"]])
        try await h.call("UpdateTable", #"{"TableName":"Tbl","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"ByG"}}]}"#)
        let d = try await h.call("DescribeTable", #"{"TableName":"Tbl"}"#)
        #expect(d[path: "Table", "GlobalSecondaryIndexes"] == nil)
        #expect(d[path: "Table", "AttributeDefinitions"]?.arrayValue?.count == 2)
    }
}

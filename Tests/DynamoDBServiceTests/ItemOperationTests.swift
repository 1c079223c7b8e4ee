import AWSCore
@testable import DynamoDBService
import Foundation
import SandboxStorage
import Testing

@Suite struct ItemOperationTests {
    @Test func putGetDeleteWithConditions() async throws {
        let h = try Harness()
        try await h.createTable()
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"n":{"N":"0100"},"e":{"S":""}}}"#)
        let got = try await h.call("GetItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"a"},"sk":{"S":"1"}},"ReturnConsumedCapacity":"TOTAL"}"#)
        #expect(got[path: "Item", "n"] == ["N": "100"])
        #expect(got[path: "Item", "e"] == ["S": ""])
        #expect(got[path: "ConsumedCapacity", "CapacityUnits"] == .number("0.5"))

        let failed = await h.error("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"1"}},"ConditionExpression":"attribute_not_exists(pk)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}"#)
        #expect(failed?.code == "ConditionalCheckFailedException")
        #expect(failed?.message == "The conditional request failed")
        #expect(failed?.additionalFields["Item"]?[path: "n"] == ["N": "100"])

        let old = try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"v":{"BOOL":true}},"ReturnValues":"ALL_OLD"}"#)
        #expect(old[path: "Attributes", "n"] == ["N": "100"])

        let deleted = try await h.call("DeleteItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"a"},"sk":{"S":"1"}},"ConditionExpression":"v = :t","ExpressionAttributeValues":{":t":{"BOOL":true}},"ReturnValues":"ALL_OLD"}"#)
        #expect(deleted[path: "Attributes", "v"] == ["BOOL": true])
        let none = try await h.call("GetItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"a"},"sk":{"S":"1"}}}"#)
        #expect(none == [:])
    }

    @Test func keyValidation() async throws {
        let h = try Harness()
        try await h.createTable()
        await h.expectValidation("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"}}}"#, "One or more parameter values were invalid: Missing the key sk in the item")
        await h.expectValidation("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"N":"1"},"sk":{"S":"x"}}}"#, "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N")
        await h.expectValidation("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":""},"sk":{"S":"x"}}}"#,
                                 "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk")
        await h.expectValidation("GetItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"a"}}}"#, "The provided key element does not match the schema")
        await h.expectValidation("GetItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"a"},"sk":{"S":"1"},"x":{"S":"1"}}}"#, "The provided key element does not match the schema")
        await h.expectValidation("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"s":{"SS":[]}}}"#, "One or more parameter values were invalid: An string set  may not be empty")
        let big = String(repeating: "x", count: 400 * 1024)
        await h.expectValidation("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"big":{"S":"\#(big)"}}}"#, "Item size has exceeded the maximum allowed size")
        await h.expectValidation("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"1"}},"ExpressionAttributeValues":{":v":{"S":"x"}}}"#,
                                 "ExpressionAttributeValues can only be specified when using expressions")
        await h.expectValidation("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"1"}},"ConditionExpression":"a = :v","ExpressionAttributeValues":{":v":{"SS":[]}}}"#,
                                 "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v")
    }

    @Test func updateItemReturnValues() async throws {
        let h = try Harness()
        try await h.createTable()
        let created = try await h.call("UpdateItem", #"""
            {"TableName":"Tbl","Key":{"pk":{"S":"a"},"sk":{"S":"1"}},"UpdateExpression":"SET #c = if_not_exists(#c, :zero) + :one, tags = :tags","ExpressionAttributeNames":{"#c":"count"},
             "ExpressionAttributeValues":{":zero":{"N":"0"},":one":{"N":"1"},":tags":{"L":[]}},"ReturnValues":"ALL_NEW"}
            """#)
        #expect(created[path: "Attributes"] == ["pk": ["S": "a"], "sk": ["S": "1"], "count": ["N": "1"], "tags": ["L": []]])
        let updated = try await h.call("UpdateItem", #"""
            {"TableName":"Tbl","Key":{"pk":{"S":"a"},"sk":{"S":"1"}},"UpdateExpression":"ADD #c :five","ConditionExpression":"#c = :one","ExpressionAttributeNames":{"#c":"count"},
             "ExpressionAttributeValues":{":one":{"N":"1"},":five":{"N":"5.5"}},"ReturnValues":"UPDATED_OLD"}
            """#)
        #expect(updated[path: "Attributes"] == ["count": ["N": "1"]])
        let new = try await h.call("UpdateItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"a"},"sk":{"S":"1"}},"UpdateExpression":"REMOVE tags","ReturnValues":"UPDATED_NEW"}"#)
        #expect(new == [:])
        let got = try await h.call("GetItem", ##"{"TableName":"Tbl","Key":{"pk":{"S":"a"},"sk":{"S":"1"}},"ProjectionExpression":"#c","ExpressionAttributeNames":{"#c":"count"}}"##)
        #expect(got == ["Item": ["count": ["N": "6.5"]]])
        await h.expectValidation("UpdateItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"a"},"sk":{"S":"1"}},"UpdateExpression":"SET pk = :v","ExpressionAttributeValues":{":v":{"S":"b"}}}"#,
                                 "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key")
        await h.expectValidation("UpdateItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"a"},"sk":{"S":"1"}},"UpdateExpression":"SET a = :v","ExpressionAttributeValues":{":v":{"S":"b"},":w":{"S":"c"}}}"#,
                                 "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}")
    }

    @Test func queryOrderingPagingAndFilters() async throws {
        let h = try Harness()
        try await h.createTable(sk: "N")
        for n in ["-10", "-2.5", "0", "1", "2", "10", "100"] {
            try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"p"},"sk":{"N":"\#(n)"},"odd":{"BOOL":\#(["1", "-2.5"].contains(n))}}}"#)
        }
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"other"},"sk":{"N":"1"}}}"#)
        let all = try await h.call("Query", #"{"TableName":"Tbl","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"}}}"#)
        #expect(all[path: "Items"]?.arrayValue?.compactMap { $0[path: "sk", "N"]?.stringValue } == ["-10", "-2.5", "0", "1", "2", "10", "100"])
        let range = try await h.call("Query", #"{"TableName":"Tbl","KeyConditionExpression":"pk = :p AND sk BETWEEN :a AND :b","ScanIndexForward":false,"ExpressionAttributeValues":{":p":{"S":"p"},":a":{"N":"0"},":b":{"N":"10"}}}"#)
        #expect(range[path: "Items"]?.arrayValue?.compactMap { $0[path: "sk", "N"]?.stringValue } == ["10", "2", "1", "0"])
        let page1 = try await h.call("Query", #"{"TableName":"Tbl","KeyConditionExpression":"pk = :p","Limit":3,"ExpressionAttributeValues":{":p":{"S":"p"}}}"#)
        #expect(page1[path: "Count"] == 3)
        #expect(page1[path: "LastEvaluatedKey"] == ["pk": ["S": "p"], "sk": ["N": "0"]])
        let page2 = try await h.call("Query", #"{"TableName":"Tbl","KeyConditionExpression":"pk = :p","Limit":3,"ExclusiveStartKey":{"pk":{"S":"p"},"sk":{"N":"0"}},"ExpressionAttributeValues":{":p":{"S":"p"}}}"#)
        #expect(page2[path: "Items"]?.arrayValue?.compactMap { $0[path: "sk", "N"]?.stringValue } == ["1", "2", "10"])
        let filtered = try await h.call("Query", #"{"TableName":"Tbl","KeyConditionExpression":"pk = :p","FilterExpression":"odd = :t","Select":"COUNT","ExpressionAttributeValues":{":p":{"S":"p"},":t":{"BOOL":true}}}"#)
        #expect(filtered == ["Count": 2, "ScannedCount": 7])
        await h.expectValidation("Query", #"{"TableName":"Tbl","KeyConditionExpression":"sk = :p","ExpressionAttributeValues":{":p":{"N":"1"}}}"#, "Query condition missed key schema element: pk")
        await h.expectValidation("Query", #"{"TableName":"Tbl","KeyConditionExpression":"pk = :p","FilterExpression":"sk = :p","ExpressionAttributeValues":{":p":{"S":"p"}}}"#,
                                 "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk")
    }

    @Test func beginsWithOnStringSortKey() async throws {
        let h = try Harness()
        try await h.createTable()
        for sk in ["a", "ab", "abc", "abd", "b", "\u{00FF}"] {
            try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"p"},"sk":{"S":"\#(sk)"}}}"#)
        }
        let q = try await h.call("Query", #"{"TableName":"Tbl","KeyConditionExpression":"pk = :p AND begins_with(sk, :pre)","ExpressionAttributeValues":{":p":{"S":"p"},":pre":{"S":"ab"}}}"#)
        #expect(q[path: "Items"]?.arrayValue?.compactMap { $0[path: "sk", "S"]?.stringValue } == ["ab", "abc", "abd"])
    }

    @Test func scanSegmentsCoverTable() async throws {
        let h = try Harness()
        try await h.createTable(sk: nil)
        for i in 0..<50 { try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"k\#(i)"}}}"#) }
        var total = 0
        for s in 0..<4 {
            let r = try await h.call("Scan", #"{"TableName":"Tbl","Segment":\#(s),"TotalSegments":4}"#)
            total += r[path: "Count"]?.intValue ?? 0
        }
        #expect(total == 50)
        await h.expectValidation("Scan", #"{"TableName":"Tbl","Segment":4,"TotalSegments":4}"#,
                                 "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not less than TotalSegments: 4")
        var seen = 0
        var start = ""
        repeat {
            let r = try await h.call("Scan", #"{"TableName":"Tbl","Limit":7\#(start)}"#)
            seen += r[path: "Count"]?.intValue ?? 0
            start = r[path: "LastEvaluatedKey"].map { #","ExclusiveStartKey":"# + $0.serializedString() } ?? ""
        } while !start.isEmpty
        #expect(seen == 50)
    }

    @Test func gsiMaintainedOnWrite() async throws {
        let h = try Harness()
        try await h.createTable(extra: #","GlobalSecondaryIndexes":[{"IndexName":"G","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["x"]}}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"g","AttributeType":"S"}]"#)
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"g":{"S":"one"},"x":{"N":"1"},"y":{"N":"2"}}}"#)
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"b"},"sk":{"S":"1"}}}"#)
        var q = try await h.call("Query", #"{"TableName":"Tbl","IndexName":"G","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"one"}}}"#)
        #expect(q[path: "Items"] == [["pk": ["S": "a"], "sk": ["S": "1"], "g": ["S": "one"], "x": ["N": "1"]]])
        try await h.call("UpdateItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"a"},"sk":{"S":"1"}},"UpdateExpression":"SET g = :g","ExpressionAttributeValues":{":g":{"S":"two"}}}"#)
        q = try await h.call("Query", #"{"TableName":"Tbl","IndexName":"G","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"one"}}}"#)
        #expect(q[path: "Count"] == 0)
        // Overwrites that keep the index key (left alone in storage), then drop it.
        let queryTwo = #"{"TableName":"Tbl","IndexName":"G","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"two"}}}"#
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"g":{"S":"two"},"x":{"N":"3"}}}"#)
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"g":{"S":"two"},"x":{"N":"4"}}}"#)
        q = try await h.call("Query", queryTwo)
        #expect(q[path: "Items"] == [["pk": ["S": "a"], "sk": ["S": "1"], "g": ["S": "two"], "x": ["N": "4"]]])
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"x":{"N":"5"}}}"#)
        q = try await h.call("Query", queryTwo)
        #expect(q[path: "Count"] == 0)
        await h.expectValidation("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"c"},"sk":{"S":"1"},"g":{"N":"1"}}}"#,
                                 "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: G")
        await h.expectValidation("Query", #"{"TableName":"Tbl","IndexName":"G","ConsistentRead":true,"KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"one"}}}"#,
                                 "Consistent reads are not supported on global secondary indexes")
    }

    @Test func batchOperations() async throws {
        let h = try Harness()
        try await h.createTable(sk: nil)
        let puts = (0..<25).map { #"{"PutRequest":{"Item":{"pk":{"S":"k\#($0)"}}}}"# }.joined(separator: ",")
        let w = try await h.call("BatchWriteItem", #"{"RequestItems":{"Tbl":[\#(puts)]}}"#)
        #expect(w == ["UnprocessedItems": [:]])
        let tooMany = (0..<26).map { #"{"PutRequest":{"Item":{"pk":{"S":"k\#($0)"}}}}"# }.joined(separator: ",")
        #expect(await h.error("BatchWriteItem", #"{"RequestItems":{"Tbl":[\#(tooMany)]}}"#)?.code == "ValidationException")
        await h.expectValidation("BatchWriteItem", #"{"RequestItems":{"Tbl":[{"PutRequest":{"Item":{"pk":{"S":"x"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"x"}}}}]}}"#,
                                 "Provided list of item keys contains duplicates")
        let g = try await h.call("BatchGetItem", #"{"RequestItems":{"Tbl":{"Keys":[{"pk":{"S":"k1"}},{"pk":{"S":"missing"}}]}}}"#)
        #expect(g[path: "Responses", "Tbl"] == [["pk": ["S": "k1"]]])
        #expect(g[path: "UnprocessedKeys"] == [:])
        let keys = (0..<101).map { #"{"pk":{"S":"k\#($0)"}}"# }.joined(separator: ",")
        await h.expectValidation("BatchGetItem", #"{"RequestItems":{"Tbl":{"Keys":[\#(keys)]}}}"#, "Too many items requested for the BatchGetItem call")
        await h.expectValidation("BatchGetItem", #"{"RequestItems":{"Tbl":{"Keys":[{"pk":{"S":"a"}},{"pk":{"S":"a"}}]}}}"#, "Provided list of item keys contains duplicates")
    }

    @Test func transactions() async throws {
        let h = try Harness()
        try await h.createTable(sk: nil)
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"acct"},"balance":{"N":"10"}}}"#)
        let cancelled = await h.error("TransactWriteItems", #"""
            {"TransactItems":[
              {"Put":{"TableName":"Tbl","Item":{"pk":{"S":"new"}}}},
              {"Update":{"TableName":"Tbl","Key":{"pk":{"S":"acct"}},"UpdateExpression":"SET balance = balance - :amt","ConditionExpression":"balance >= :amt","ExpressionAttributeValues":{":amt":{"N":"50"}},"ReturnValuesOnConditionCheckFailure":"ALL_OLD"}}
            ]}
            """#)
        #expect(cancelled?.code == "TransactionCanceledException")
        #expect(cancelled?.message == "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]")
        #expect(cancelled?.additionalFields["CancellationReasons"]?[path: 1, "Item", "balance"] == ["N": "10"])
        #expect(cancelled?.additionalFields["CancellationReasons"]?[path: 0] == ["Code": "None"])
        // Nothing was written.
        #expect(try await h.call("GetItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"new"}}}"#) == [:])

        let ok = #"""
            {"ClientRequestToken":"tok-1","TransactItems":[
              {"Put":{"TableName":"Tbl","Item":{"pk":{"S":"new"}}}},
              {"Update":{"TableName":"Tbl","Key":{"pk":{"S":"acct"}},"UpdateExpression":"SET balance = balance - :amt","ConditionExpression":"balance >= :amt","ExpressionAttributeValues":{":amt":{"N":"4"}}}}
            ]}
            """#
        try await h.call("TransactWriteItems", ok)
        try await h.call("TransactWriteItems", ok)  // idempotent replay: not applied twice
        let acct = try await h.call("TransactGetItems", #"{"TransactItems":[{"Get":{"TableName":"Tbl","Key":{"pk":{"S":"acct"}}}},{"Get":{"TableName":"Tbl","Key":{"pk":{"S":"none"}}}}]}"#)
        #expect(acct == ["Responses": [["Item": ["pk": ["S": "acct"], "balance": ["N": "6"]]], [:]]])
        let mismatch = await h.error("TransactWriteItems", #"{"ClientRequestToken":"tok-1","TransactItems":[{"Delete":{"TableName":"Tbl","Key":{"pk":{"S":"new"}}}}]}"#)
        #expect(mismatch?.code == "IdempotentParameterMismatchException")
        await h.expectValidation("TransactWriteItems", #"{"TransactItems":[{"Delete":{"TableName":"Tbl","Key":{"pk":{"S":"x"}}}},{"ConditionCheck":{"TableName":"Tbl","Key":{"pk":{"S":"x"}},"ConditionExpression":"attribute_exists(pk)"}}]}"#,
                                 "Transaction request cannot include multiple operations on one item")
    }

    @Test func limitAndSerializationErrors() async throws {
        let h = try Harness()
        try await h.createTable(sk: nil)
        let tags = (0..<51).map { #"{"Key":"k\#($0)","Value":"v"}"# }.joined(separator: ",")
        let tooMany = await h.error("TagResource", #"{"ResourceArn":"arn:aws:dynamodb:us-east-1:123456789012:table/Tbl","Tags":[\#(tags)]}"#)
        #expect(tooMany?.code == "LimitExceededException")
        let wrongType = await h.error("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":5}}}"#)
        #expect(wrongType?.code == "SerializationException")
        #expect(wrongType?.typeNamespace == "com.amazon.coral.service#")
    }

    @Test func errorWireShape() {
        let e = DynamoDBError.validation("x")
        #expect(e.typeNamespace == "com.amazon.coral.validate#")
        #expect(DynamoDBError.resourceNotFoundPlain.typeNamespace == nil)
        #expect(DynamoDBError.conditionalCheckFailed(item: nil).code == "ConditionalCheckFailedException")
        #expect(DynamoDBError.conditionalCheckFailed(item: nil).additionalFields.isEmpty)
    }
}

@Suite struct PagingAndIndexTests {
    @Test func oneMegabytePageRule() async throws {
        let h = try Harness()
        try await h.createTable(sk: nil)
        let big = String(repeating: "x", count: 300 * 1024)
        for i in 0..<5 { try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"k\#(i)"},"big":{"S":"\#(big)"}}}"#) }
        let page = try await h.call("Scan", #"{"TableName":"Tbl","Select":"COUNT"}"#)
        // Three 300 KB items fit in 1 MB; the fourth would not.
        #expect(page[path: "ScannedCount"] == 3)
        #expect(page[path: "LastEvaluatedKey"] != nil)
        let rest = try await h.call("Scan", #"{"TableName":"Tbl","Select":"COUNT","ExclusiveStartKey":\#(page[path: "LastEvaluatedKey"]!.serializedString())}"#)
        #expect(rest[path: "ScannedCount"] == 2)
        #expect(rest[path: "LastEvaluatedKey"] == nil)
    }

    @Test func localSecondaryIndex() async throws {
        let h = try Harness()
        try await h.createTable(extra: #","LocalSecondaryIndexes":[{"IndexName":"ByScore","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"score","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"score","AttributeType":"N"}]"#)
        for (sk, score) in [("a", "30"), ("b", "10"), ("c", "20"), ("d", "")] {
            let s = score.isEmpty ? "" : #","score":{"N":"\#(score)"}"#
            try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"p"},"sk":{"S":"\#(sk)"}\#(s)}}"#)
        }
        let q = try await h.call("Query", #"{"TableName":"Tbl","IndexName":"ByScore","KeyConditionExpression":"pk = :p AND score > :min","ScanIndexForward":false,"ExpressionAttributeValues":{":p":{"S":"p"},":min":{"N":"5"}}}"#)
        #expect(q[path: "Items"]?.arrayValue?.compactMap { $0[path: "sk", "S"]?.stringValue } == ["a", "c", "b"])
        let page = try await h.call("Query", #"{"TableName":"Tbl","IndexName":"ByScore","Limit":1,"KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"}}}"#)
        #expect(page[path: "LastEvaluatedKey"] == ["pk": ["S": "p"], "sk": ["S": "b"], "score": ["N": "10"]])
        let next = try await h.call("Query", #"{"TableName":"Tbl","IndexName":"ByScore","Limit":1,"ExclusiveStartKey":\#(page[path: "LastEvaluatedKey"]!.serializedString()),"KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"}}}"#)
        #expect(next[path: "Items", 0, "sk"] == ["S": "c"])
    }

    @Test func removeSeveralListElements() async throws {
        let h = try Harness()
        try await h.createTable(sk: nil)
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"l":{"L":[{"S":"0"},{"S":"1"},{"S":"2"},{"S":"3"}]}}}"#)
        let r = try await h.call("UpdateItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"a"}},"UpdateExpression":"REMOVE l[1], l[3]","ReturnValues":"ALL_NEW"}"#)
        #expect(r[path: "Attributes", "l"] == ["L": [["S": "0"], ["S": "2"]]])
    }
}

@Suite struct KeyConditionTests {
    func check(_ expression: String, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let h = try Harness()
        try await h.createTable()
        await h.expectValidation("Query", #"{"TableName":"Tbl","KeyConditionExpression":"\#(expression)","ExpressionAttributeValues":{":a":{"S":"x"},":b":{"S":"y"}}}"#,
                                 message, sourceLocation: sourceLocation)
    }

    @Test func keyConditionErrors() async throws {
        try await check("pk = :a OR sk = :b", "Invalid operator used in KeyConditionExpression: OR")
        try await check("pk IN (:a, :b)", "Invalid operator used in KeyConditionExpression: IN")
        try await check("pk = :a AND attribute_exists(sk) AND sk = :b", "Invalid operator used in KeyConditionExpression: attribute_exists")
        try await check("pk = :a AND foo = :b", "Query key condition not supported")
        try await check("pk > :a AND sk = :b", "Query key condition not supported")
        try await check("sk = :a AND begins_with(sk, :b)", "KeyConditionExpressions must only contain one condition per key")
        let h = try Harness()
        try await h.createTable()
        await h.expectValidation("Query", #"{"TableName":"Tbl","KeyConditionExpression":"pk = :e","ExpressionAttributeValues":{":e":{"S":""}}}"#,
                                 "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk")
    }
}

@Suite struct ConcurrencyTests {
    @Test func concurrentCountersAndTransactionsStayConsistent() async throws {
        let h = try Harness()
        try await h.createTable(sk: nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                group.addTask {
                    try await h.call("UpdateItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"counter"}},"UpdateExpression":"ADD n :one","ExpressionAttributeValues":{":one":{"N":"1"}}}"#)
                    try await h.call("TagResource", #"{"ResourceArn":"arn:aws:dynamodb:us-east-1:123456789012:table/Tbl","Tags":[{"Key":"k\#(i % 40)","Value":"v"}]}"#)
                }
            }
            try await group.waitForAll()
        }
        let got = try await h.call("GetItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"counter"}}}"#)
        #expect(got[path: "Item", "n"] == ["N": "200"])
        let tags = try await h.call("ListTagsOfResource", #"{"ResourceArn":"arn:aws:dynamodb:us-east-1:123456789012:table/Tbl"}"#)
        #expect(tags[path: "Tags"]?.arrayValue?.count == 40)
    }
}

@Suite struct ReturnValuesTests {
    @Test func putAndDeleteTakeOnlyOldValues() async throws {
        let h = try Harness()
        try await h.createTable(sk: nil)
        await h.expectValidation("DeleteItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"a"}},"ReturnValues":"ALL_NEW"}"#, "Return values set to invalid value")
        await h.expectValidation("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"}},"ReturnValues":"UPDATED_NEW"}"#, "Return values set to invalid value")
        await h.expectValidation("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"}},"ReturnValues":"BOGUS"}"#,
                                 "1 validation error detected: Value 'BOGUS' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")
    }
}

@Suite struct ItemCollectionMetricsTests {
    @Test func onlyForTablesWithLocalIndexes() async throws {
        let h = try Harness()
        try await h.createTable(extra: #","LocalSecondaryIndexes":[{"IndexName":"L","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"x","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"x","AttributeType":"S"}]"#)
        let r = try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"1"}},"ReturnItemCollectionMetrics":"SIZE"}"#)
        #expect(r[path: "ItemCollectionMetrics", "ItemCollectionKey"] == ["pk": ["S": "a"]])
        #expect(r[path: "ItemCollectionMetrics", "SizeEstimateRangeGB"] == [.number("0.0"), .number("1.0")])
        // A KEYS_ONLY LSI still answers ALL_ATTRIBUTES by reading the table.
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"2"},"x":{"S":"k"},"extra":{"N":"1"}}}"#)
        let q = try await h.call("Query", #"{"TableName":"Tbl","IndexName":"L","Select":"ALL_ATTRIBUTES","KeyConditionExpression":"pk = :a","ExpressionAttributeValues":{":a":{"S":"a"}}}"#)
        #expect(q[path: "Items", 0, "extra"] == ["N": "1"])
        let projected = try await h.call("Query", #"{"TableName":"Tbl","IndexName":"L","KeyConditionExpression":"pk = :a","ExpressionAttributeValues":{":a":{"S":"a"}}}"#)
        #expect(projected[path: "Items", 0, "extra"] == nil)
    }
}

@Suite struct PagingOrderTests {
    func keys(_ r: JSONValue) -> [String] {
        r[path: "Items"]?.arrayValue?.map { "\($0[path: "pk", "S"]?.stringValue ?? "")/\($0[path: "sk", "N"]?.stringValue ?? $0[path: "sk", "S"]?.stringValue ?? "")" } ?? []
    }

    @Test func scanAndDescendingQueryPagesCoverEverythingOnce() async throws {
        let h = try Harness()
        try await h.createTable(sk: "N", extra: #","GlobalSecondaryIndexes":[{"IndexName":"G","KeySchema":[{"AttributeName":"g","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"g","AttributeType":"S"}]"#)
        var expected: [String] = []
        for p in ["a", "b", "c"] {
            for n in [-5, 0, 3, 12] {
                try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"\#(p)"},"sk":{"N":"\#(n)"},"g":{"S":"all"}}}"#)
                expected.append("\(p)/\(n)")
            }
        }
        func collect(_ base: String) async throws -> [String] {
            var out: [String] = []
            var start = ""
            repeat {
                let r = try await h.call(base.contains("KeyCondition") ? "Query" : "Scan", "{" + base + start + "}")
                out += keys(r)
                start = r[path: "LastEvaluatedKey"].map { #","ExclusiveStartKey":"# + $0.serializedString() } ?? ""
            } while !start.isEmpty
            return out
        }
        let scanned = try await collect(#""TableName":"Tbl","Limit":5"#)
        #expect(scanned.sorted() == expected.sorted())
        let descending = try await collect(#""TableName":"Tbl","Limit":3,"ScanIndexForward":false,"KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"b"}}"#)
        #expect(descending == ["b/12", "b/3", "b/0", "b/-5"])
        let viaIndex = try await collect(#""TableName":"Tbl","IndexName":"G","Limit":5,"KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"all"}}"#)
        #expect(viaIndex.count == 12)
        #expect(viaIndex.map { Int($0.split(separator: "/")[1])! } == [-5, -5, -5, 0, 0, 0, 3, 3, 3, 12, 12, 12])
        let indexScan = try await collect(#""TableName":"Tbl","IndexName":"G","Limit":4"#)
        #expect(indexScan.sorted() == expected.sorted())
        // Removing the index key takes the item out of the (sparse) index.
        try await h.call("UpdateItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"a"},"sk":{"N":"0"}},"UpdateExpression":"REMOVE g"}"#)
        let after = try await h.call("Query", #"{"TableName":"Tbl","IndexName":"G","Select":"COUNT","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"all"}}}"#)
        #expect(after[path: "Count"] == 11)
    }

    @Test func binarySortKeyPrefix() async throws {
        let h = try Harness()
        try await h.createTable(sk: "B")
        for b in ["AAE=", "AAH/", "AQ==", "/w=="] {  // 00 01 / 00 01 ff / 01 / ff
            try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"p"},"sk":{"B":"\#(b)"}}}"#)
        }
        let r = try await h.call("Query", #"{"TableName":"Tbl","KeyConditionExpression":"pk = :p AND begins_with(sk, :pre)","ExpressionAttributeValues":{":p":{"S":"p"},":pre":{"B":"AA=="}}}"#)
        #expect(r[path: "Items"]?.arrayValue?.compactMap { $0[path: "sk", "B"]?.stringValue } == ["AAE=", "AAH/"])
        let all = try await h.call("Query", #"{"TableName":"Tbl","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"}}}"#)
        #expect(all[path: "Items"]?.arrayValue?.compactMap { $0[path: "sk", "B"]?.stringValue } == ["AAE=", "AAH/", "AQ==", "/w=="])
    }
}

@Suite struct LegacyParameterTests {
    @Test func expectedAttributeUpdatesKeyConditionsAndFilters() async throws {
        let h = try Harness()
        try await h.createTable(sk: "N")
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"n":{"N":"5"}},"Expected":{"pk":{"Exists":false}}}"#)
        let failed = await h.error("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"N":"1"}},"Expected":{"pk":{"Exists":false}}}"#)
        #expect(failed?.code == "ConditionalCheckFailedException")
        let updated = try await h.call("UpdateItem", #"""
            {"TableName":"Tbl","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"AttributeUpdates":{"n":{"Action":"ADD","Value":{"N":"2"}},"l":{"Action":"ADD","Value":{"L":[{"S":"x"}]}},"gone":{"Action":"DELETE"}},
             "Expected":{"n":{"ComparisonOperator":"GE","AttributeValueList":[{"N":"5"}]}},"ReturnValues":"ALL_NEW"}
            """#)
        #expect(updated[path: "Attributes"] == ["pk": ["S": "a"], "sk": ["N": "1"], "n": ["N": "7"], "l": ["L": [["S": "x"]]]])
        try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"N":"2"},"n":{"N":"1"}}}"#)
        let q = try await h.call("Query", #"{"TableName":"Tbl","KeyConditions":{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"a"}]},"sk":{"ComparisonOperator":"GT","AttributeValueList":[{"N":"0"}]}},"QueryFilter":{"n":{"ComparisonOperator":"GT","AttributeValueList":[{"N":"3"}]}}}"#)
        #expect(q[path: "Count"] == 1)
        #expect(q[path: "ScannedCount"] == 2)
        let s = try await h.call("Scan", #"{"TableName":"Tbl","ScanFilter":{"l":{"ComparisonOperator":"NOT_NULL"}}}"#)
        #expect(s[path: "Count"] == 1)
        await h.expectValidation("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"N":"1"}},"Expected":{"pk":{"Exists":false}},"ConditionExpression":"attribute_not_exists(pk)"}"#,
                                 "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")
        await h.expectValidation("Scan", #"{"TableName":"Tbl","ScanFilter":{"n":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"}]}}}"#,
                                 "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator")
    }
}

@Suite struct IdempotencyWindowTests {
    @Test func tokensExpireAfterTenMinutes() async throws {
        let h = try Harness()
        try await h.createTable(sk: nil)
        try await h.call("TransactWriteItems", #"{"ClientRequestToken":"t","TransactItems":[{"Put":{"TableName":"Tbl","Item":{"pk":{"S":"a"}}}}]}"#)
        h.clock.advance(by: 599)
        #expect(await h.error("TransactWriteItems", #"{"ClientRequestToken":"t","TransactItems":[{"Put":{"TableName":"Tbl","Item":{"pk":{"S":"b"}}}}]}"#)?.code
            == "IdempotentParameterMismatchException")
        h.clock.advance(by: 2)
        try await h.call("TransactWriteItems", #"{"ClientRequestToken":"t","TransactItems":[{"Put":{"TableName":"Tbl","Item":{"pk":{"S":"b"}}}}]}"#)
        #expect(try await h.call("GetItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"b"}}}"#)[path: "Item"] != nil)
    }
}

@Suite struct CapacityTests {
    @Test func totalsAndIndexBreakdown() async throws {
        let h = try Harness()
        try await h.createTable(extra: #","GlobalSecondaryIndexes":[{"IndexName":"G","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"g","AttributeType":"S"}]"#)
        let put = try await h.call("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"g":{"S":"x"}},"ReturnConsumedCapacity":"TOTAL"}"#)
        #expect(put[path: "ConsumedCapacity"] == ["TableName": "Tbl", "CapacityUnits": .number("2.0")])
        // Moving the item to another index key deletes one entry and writes another.
        let moved = try await h.call("UpdateItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"a"},"sk":{"S":"1"}},"UpdateExpression":"SET g = :g","ExpressionAttributeValues":{":g":{"S":"y"}},"ReturnConsumedCapacity":"INDEXES"}"#)
        #expect(moved[path: "ConsumedCapacity"] == ["TableName": "Tbl", "CapacityUnits": .number("3.0"), "Table": ["CapacityUnits": .number("1.0")],
                                                  "GlobalSecondaryIndexes": ["G": ["CapacityUnits": .number("2.0")]]])
        let q = try await h.call("Query", #"{"TableName":"Tbl","IndexName":"G","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"y"}},"ReturnConsumedCapacity":"INDEXES"}"#)
        #expect(q[path: "ConsumedCapacity", "GlobalSecondaryIndexes", "G", "CapacityUnits"] == .number("0.5"))
        #expect(q[path: "ConsumedCapacity", "Table", "CapacityUnits"] == .number("0.0"))
    }
}

import AWSCore
@testable import DynamoDBService
import Foundation
import Testing

/// In-process throughput probe; run with DDB_PERF=1 (prints operations per second).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["DDB_PERF"] != nil))
struct PerformanceTests {
    @Test func putGetQueryThroughput() async throws {
        let h = try Harness()
        try await h.createTable()
        let n = 10_000
        let requests = try (0..<n).map { i in
            try JSONParser.parse(#"{"TableName":"Tbl","Item":{"pk":{"S":"p\#(i % 100)"},"sk":{"S":"s\#(i)"},"v":{"N":"\#(i)"},"name":{"S":"item number \#(i)"}}}"#).objectValue!
        }
        var start = Date()
        for r in requests { _ = try await h.service.call("PutItem", r) }
        print("PutItem: \(Int(Double(n) / Date().timeIntervalSince(start)))/s")
        let gets = try (0..<n).map { i in
            try JSONParser.parse(#"{"TableName":"Tbl","Key":{"pk":{"S":"p\#(i % 100)"},"sk":{"S":"s\#(i)"}}}"#).objectValue!
        }
        start = Date()
        for r in gets { _ = try await h.service.call("GetItem", r) }
        print("GetItem: \(Int(Double(n) / Date().timeIntervalSince(start)))/s")
        let q = try JSONParser.parse(#"{"TableName":"Tbl","KeyConditionExpression":"pk = :p AND begins_with(sk, :s)","Limit":10,"ExpressionAttributeValues":{":p":{"S":"p1"},":s":{"S":"s1"}}}"#).objectValue!
        start = Date()
        for _ in 0..<2000 { _ = try await h.service.call("Query", q) }
        print("Query: \(Int(2000 / Date().timeIntervalSince(start)))/s")
    }

    @Test func throughTheRouter() async throws {
        let h = try Harness()
        try await h.createTable()
        let router = AWSProtocolRouter(services: [h.service])
        func request(_ op: String, _ body: String) -> AWSRequest {
            var headers = HTTPHeaders()
            headers.add("x-amz-target", "DynamoDB_20120810.\(op)")
            headers.add("content-type", "application/x-amz-json-1.0")
            return AWSRequest(method: "POST", target: "/", headers: headers, body: Array(body.utf8))
        }
        let n = 10_000
        let puts = (0..<n).map { i in request("PutItem", #"{"TableName":"Tbl","Item":{"pk":{"S":"p\#(i % 100)"},"sk":{"S":"s\#(i)"},"v":{"N":"\#(i)"},"name":{"S":"item number \#(i)"}}}"#) }
        var start = Date()
        for r in puts { _ = await router.route(r) }
        print("router PutItem: \(Int(Double(n) / Date().timeIntervalSince(start)))/s")
        let gets = (0..<n).map { i in request("GetItem", #"{"TableName":"Tbl","Key":{"pk":{"S":"p\#(i % 100)"},"sk":{"S":"s\#(i)"}}}"#) }
        start = Date()
        for r in gets { _ = await router.route(r) }
        print("router GetItem: \(Int(Double(n) / Date().timeIntervalSince(start)))/s")
    }
}

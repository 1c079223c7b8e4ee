import AWSCore
import Foundation
import SandboxStorage
import Testing
@testable import LogsService

func call(_ service: any AWSService, _ name: String, _ input: JSONObject) async throws -> JSONValue {
    let context = AWSRequestContext(requestID: "r", accountID: "123456789012", region: "ap-northeast-1", accessKeyID: nil,
                                    request: AWSRequest(method: "POST", target: "/"))
    return try await service.operations.first { $0.name == name }!.handler(OperationInput(members: input), context)
}

/// JSON filter patterns, term patterns, and FilterLogEvents' paging as `aws logs tail --follow` uses it.
@Suite struct FilterLogEventsTests {
    static let events = [
        #"{"logType":"RequestSummary","statusCode":200,"latency":1200000,"requestId":"a"}"#,
        #"{"logType":"Tracing","fieldName":"createGroup","path":["createGroup"],"duration":5,"fieldInError":false,"extra":null}"#,
        #"{"logType":"ResponseMapping","fieldName":"joinGroup","fieldInError":true,"errors":[{"errorType":"GroupNotFound"}]}"#,
        "abc ERROR GroupNotFound: Group not found",
    ]

    func matching(_ pattern: String) throws -> [Int] {
        let p = try FilterPattern(pattern)
        return Self.events.indices.filter { p.matches(Self.events[$0]) }
    }

    @Test func jsonPatterns() throws {
        #expect(try matching(#"{ $.logType = "RequestSummary" }"#) == [0])
        #expect(try matching("{ $.logType = Tracing }") == [1])
        #expect(try matching(#"{ $.fieldName = "*Group" }"#) == [1, 2])
        #expect(try matching(#"{ $.fieldName != "joinGroup" }"#) == [1])
        #expect(try matching("{ $.latency > 1000000 }") == [0])
        #expect(try matching("{ $.statusCode = 200 && $.latency <= 1200000 }") == [0])
        #expect(try matching(#"{ ($.logType = "Tracing" || $.fieldInError IS TRUE) && $.fieldName = "*Group" }"#) == [1, 2])
        #expect(try matching("{ $.fieldInError IS FALSE }") == [1])
        #expect(try matching("{ $.extra IS NULL }") == [1])
        #expect(try matching("{ $.statusCode NOT EXISTS }") == [1, 2])
        #expect(try matching(#"{ $.path[0] = "createGroup" }"#) == [1])
        #expect(try matching(#"{ $.errors[0].errorType = "GroupNotFound" }"#) == [2])
        #expect(throws: LogsError.self) { try FilterPattern("{ $.x = }") }
        #expect(throws: LogsError.self) { try FilterPattern("{ $.x = 1") }
    }

    @Test func termPatterns() throws {
        #expect(try matching("ERROR") == [3])
        #expect(try matching("ERROR -GroupNotFound") == [])
        #expect(try matching(#""Group not found""#) == [3])
        #expect(try matching("?RequestSummary ?Tracing") == [0, 1])
        #expect(try matching("") == [0, 1, 2, 3])
    }

    @Test func tailFollowPagingSeesEachEventOnce() async throws {
        let logs = LogsService(database: try SQLiteDatabase(path: nil), clock: SystemClock())
        try logs.database.migrate(LogsService.migrations)
        try logs.ensureGroup(name: "/g", account: "123456789012", region: "ap-northeast-1")
        try logs.append(group: "/g", stream: "b", events: (0..<5).map { (1000 + Int64($0), "b\($0)") }, account: "123456789012", region: "ap-northeast-1")
        try logs.append(group: "/g", stream: "a", events: (0..<5).map { (1000 + Int64($0), "a\($0)") }, account: "123456789012", region: "ap-northeast-1")
        // The CLI v2 loop: page with nextToken; when none, restart at the last timestamp and de-duplicate by eventId.
        var seen: [String: String] = [:]
        var input: JSONObject = ["logGroupName": "/g", "interleaved": true, "startTime": 0, "limit": 3]
        func poll() async throws {
            while true {
                let out = try await call(logs, "FilterLogEvents", input)
                for e in out["events"]?.arrayValue ?? [] { seen[e["eventId"]!.stringValue!] = e["message"]!.stringValue! }
                if let token = out["nextToken"] { input["nextToken"] = token; continue }
                input["nextToken"] = nil
                if let last = out["events"]?.arrayValue?.last { input["startTime"] = last["timestamp"]! }
                return
            }
        }
        try await poll()
        #expect(seen.count == 10)
        // Events of both streams interleave in time order.
        let first = try await call(logs, "FilterLogEvents", ["logGroupName": "/g", "limit": 4])
        #expect(first["events"]?.arrayValue?.map { $0["message"]!.stringValue! } == ["b0", "a0", "b1", "a1"])
        // A late event with an earlier timestamp than the follow position is not seen (startTime moved on); new ones are, once.
        try logs.append(group: "/g", stream: "a", events: [(1004, "late-same-ms"), (2000, "new")], account: "123456789012", region: "ap-northeast-1")
        try await poll()
        try await poll()
        #expect(Set(seen.values).isSuperset(of: ["late-same-ms", "new"]) && seen.count == 12)
        await #expect(throws: LogsError.self) { try await call(logs, "FilterLogEvents", ["logGroupName": "/g", "nextToken": "bogus"]) }
        // Stream selection happens in the query, so other streams' events never crowd a page out.
        let onlyB = try await call(logs, "FilterLogEvents", ["logGroupName": "/g", "logStreamNames": ["b"]])
        #expect(onlyB["events"]?.arrayValue?.map { $0["message"]!.stringValue! } == ["b0", "b1", "b2", "b3", "b4"])
        let prefixed = try await call(logs, "FilterLogEvents", ["logGroupName": "/g", "logStreamNamePrefix": "a", "filterPattern": "new"])
        #expect(prefixed["events"]?.arrayValue?.map { $0["message"]!.stringValue! } == ["new"])
        let stream = try await call(logs, "GetLogEvents", ["logGroupName": "/g", "logStreamName": "b", "limit": 2])
        #expect(stream["events"]?.arrayValue?.map { $0["message"]!.stringValue! } == ["b0", "b1"])
        let more = try await call(logs, "GetLogEvents", ["logGroupName": "/g", "logStreamName": "b", "nextToken": stream["nextForwardToken"]!])
        #expect(more["events"]?.arrayValue?.map { $0["message"]!.stringValue! } == ["b2", "b3", "b4"])
    }
}

import AWSCore
import Foundation
import Testing
@testable import AppSyncService

/// Collects what a session sends.
final class RecordingSender: WebSocketSender, @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [String] = []
    private(set) var closed: UInt16?

    func enqueue(_ message: WebSocketMessage) {
        if let t = message.text { lock.withLock { sent.append(t) } }
    }

    var texts: [String] { lock.withLock { sent } }

    func close(code: UInt16, reason: String?) async throws { lock.withLock { closed = code } }

    var messages: [JSONValue] { lock.withLock { sent.map(json) } }

    /// Waits until `count` messages arrived (or two seconds passed).
    func waitFor(_ count: Int) async -> [JSONValue] {
        for _ in 0..<200 {
            if messages.count >= count { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return messages
    }
}

/// A connected real-time client driven in process.
struct Client {
    let sender = RecordingSender()
    let continuation: AsyncStream<WebSocketMessage>.Continuation
    let task: Task<Void, Never>

    init(_ f: Fixture, target: String? = nil, protocols: String = "graphql-ws") {
        let header = Data(JSONValue.object(["host": "localhost", "x-api-key": .string(f.key)]).serialized()).base64EncodedString()
        let request = AWSRequest(method: "GET", target: target ?? "/apis/\(f.apiId)/graphql/realtime?header=\(header)&payload=e30=",
                                 headers: HTTPHeaders([("Sec-WebSocket-Protocol", protocols)]))
        let (_, session) = RealtimeEndpoint(backend: f.backend).accept(request)!
        let (stream, continuation) = AsyncStream<WebSocketMessage>.makeStream()
        self.continuation = continuation
        let sender = sender
        task = Task { await session.run(inbound: stream, sender: sender) }
    }

    func send(_ text: String) { continuation.yield(.text(text)) }

    func subscribe(id: String, query: String, variables: JSONObject = [:]) {
        let data = JSONValue.object(["query": .string(query), "variables": .object(variables)]).serializedString()
        send(JSONValue.object(["id": .string(id), "type": "start", "payload": ["data": .string(data)]]).serializedString())
    }

    func close() async {
        continuation.finish()
        await task.value
    }

    /// A client past `connection_ack`, `ka` and `start_ack` of one `onMessageInGroup(g1, d1)` subscription `s`.
    static func subscribedToGroup(_ f: Fixture, selection: String) async -> Client {
        let client = Client(f)
        client.send(#"{"type":"connection_init"}"#)
        client.subscribe(id: "s", query: "subscription { onMessageInGroup(groupId: \"g1\", domain: \"d1\") { \(selection) } }")
        _ = await client.sender.waitFor(3)
        return client
    }
}

@Suite struct FanOutTests {
    static let subscription = "subscription S($g: ID!, $d: String!) { onMessageInGroup(groupId: $g, domain: $d) { groupId domain nodeStatus { nodeId data { key value } } } }"
    static let report = "mutation { reportDataByNode(groupId: \"g1\", domain: \"d1\", nodeId: \"n1\", data: [{key: \"k\", value: \"v\"}]) { groupId domain nodeStatus { nodeId data { key value } } } }"

    @Test func protocolEndToEndWithoutSocket() async throws {
        let f = try Fixture.make()
        let client = Client(f)
        client.send(#"{"type":"connection_init"}"#)
        client.subscribe(id: "s1", query: Self.subscription, variables: ["g": "g1", "d": "d1"])
        let first = await client.sender.waitFor(3)
        #expect(first.map { $0["type"] } == ["connection_ack", "ka", "start_ack"])
        #expect(first[0]["payload"] == json(#"{"connectionTimeoutMs":300000}"#))
        #expect(first[2]["id"] == "s1")
        #expect(f.backend.hub.count(apiId: f.apiId) == 1)

        _ = await f.post(Self.report)
        let withData = await client.sender.waitFor(4)
        #expect(withData.last == json(#"""
            {"id":"s1","type":"data","payload":{"data":{"onMessageInGroup":{"groupId":"g1","domain":"d1",
             "nodeStatus":{"nodeId":"n1","data":[{"key":"k","value":"v"}]}}}}}
            """#))

        client.send(#"{"id":"s1","type":"stop"}"#)
        let done = await client.sender.waitFor(5)
        #expect(done.last == json(#"{"id":"s1","type":"complete"}"#))
        #expect(f.backend.hub.count(apiId: f.apiId) == 0)
        await client.close()
    }

    @Test func filterUsesTheCallersSelectedFields() async throws {
        let f = try Fixture.make()
        let matching = Client(f)
        let otherGroup = Client(f)
        for (c, g) in [(matching, "g1"), (otherGroup, "g2")] {
            c.send(#"{"type":"connection_init"}"#)
            c.subscribe(id: "s", query: Self.subscription, variables: ["g": .string(g), "d": "d1"])
            _ = await c.sender.waitFor(3)
        }
        _ = await f.post(Self.report)
        // A caller that does not select `domain` publishes to nobody (§8).
        _ = await f.post("mutation { reportDataByNode(groupId: \"g1\", domain: \"d1\", nodeId: \"n2\", data: []) { groupId nodeStatus { nodeId } } }")
        // A failed mutation publishes nothing.
        _ = await f.post("mutation { reportDataByNode(groupId: \"g1\", domain: \"d1\", nodeId: \"ghost\", data: []) { groupId domain } }")
        _ = await f.post(Self.report)
        let got = await matching.sender.waitFor(5)
        try? await Task.sleep(for: .milliseconds(50))
        #expect(matching.sender.messages.count == 5)
        #expect(got.dropFirst(3).allSatisfy { $0["payload"]?["data"]?["onMessageInGroup"]?["nodeStatus"]?["nodeId"] == "n1" })
        #expect(otherGroup.sender.messages.count == 3)
        await matching.close()
        await otherGroup.close()
    }

    @Test func unselectedFieldsArriveAsNullAndMissingNonNullIsAnError() async throws {
        let f = try Fixture.make()
        let client = Client(f)
        client.send(#"{"type":"connection_init"}"#)
        client.subscribe(id: "a", query: "subscription { onMessageInGroup(groupId: \"g1\", domain: \"d1\") { domain gid: groupId groupDissolve { message } __typename } }")
        client.subscribe(id: "b", query: "subscription { onMessageInGroup(groupId: \"g1\", domain: \"d1\") { groupId nodeStatus { nodeId timestamp } } }")
        _ = await client.sender.waitFor(4)
        // The caller selects nodeStatus { nodeId } only: timestamp (non-null) is missing for subscriber b.
        _ = await f.post("mutation { reportDataByNode(groupId: \"g1\", domain: \"d1\", nodeId: \"n1\", data: []) { groupId domain nodeStatus { nodeId } } }")
        let messages = await client.sender.waitFor(6)
        let a = try #require(messages.first { $0["id"] == "a" && $0["type"] == "data" })
        #expect(a["payload"] == json(#"{"data":{"onMessageInGroup":{"domain":"d1","gid":"g1","groupDissolve":null,"__typename":"MeshMessage"}}}"#))
        let b = try #require(messages.first { $0["id"] == "b" && $0["type"] == "data" })
        #expect(b["payload"]?["data"] == json(#"{"onMessageInGroup":{"groupId":"g1","nodeStatus":null}}"#))
        #expect(b["payload"]?["errors"]?.arrayValue?.first?["message"]
            == "Cannot return null for non-nullable type: 'AWSDateTime' within parent 'NodeStatus' (/onMessageInGroup/nodeStatus/timestamp)")
        await client.close()
    }

    /// The caller's aliases and fragments are undone before matching and projecting (the plan for
    /// that is made once per document: the second post uses it).
    @Test func callersAliasesAndFragmentsAreUndone() async throws {
        let f = try Fixture.make()
        let client = await Client.subscribedToGroup(f, selection: "groupId domain nodeStatus { nodeId }")
        let mutation = """
            mutation($n: ID!) { r: reportDataByNode(groupId: "g1", domain: "d1", nodeId: $n, data: []) { gid: groupId ...F } }
            fragment F on MeshMessage { domain ns: nodeStatus { nid: nodeId } }
            """
        for node in ["n1", "n2"] { _ = await f.post(mutation, variables: ["n": .string(node)]) }
        let messages = await client.sender.waitFor(5)
        let payloads = messages.dropFirst(3).map { $0["payload"]?["data"]?["onMessageInGroup"] }
        #expect(payloads == [json(#"{"groupId":"g1","domain":"d1","nodeStatus":{"nodeId":"n1"}}"#),
                             json(#"{"groupId":"g1","domain":"d1","nodeStatus":{"nodeId":"n2"}}"#)])
        await client.close()
    }

    @Test func messagesFollowMutationOrder() async throws {
        let f = try Fixture.make()
        let client = await Client.subscribedToGroup(f, selection: "nodeStatus { nodeId }")
        for i in 0..<20 {
            _ = await f.post("mutation { reportDataByNode(groupId: \"g1\", domain: \"d1\", nodeId: \"n\(i)\", data: []) { groupId domain nodeStatus { nodeId } } }")
        }
        let messages = await client.sender.waitFor(23)
        let ids = messages.dropFirst(3).compactMap { $0["payload"]?["data"]?["onMessageInGroup"]?["nodeStatus"]?["nodeId"]?.stringValue }
        #expect(ids == (0..<20).map { "n\($0)" })
        await client.close()
    }

    @Test func startAuthAndValidationErrors() async throws {
        let f = try Fixture.make()
        // No handshake credentials: the start must carry them.
        let client = Client(f, target: "/apis/\(f.apiId)/graphql")
        client.send(#"{"type":"connection_init"}"#)
        client.subscribe(id: "noauth", query: Self.subscription, variables: ["g": "g1", "d": "d1"])
        let data = JSONValue.object(["query": .string("subscription { onMessageInGroup(groupId: \"g\", domain: \"d\") { groupId } }")]).serializedString()
        client.send(JSONValue.object(["id": "withauth", "type": "start",
                                      "payload": ["data": .string(data), "extensions": ["authorization": ["x-api-key": .string(f.key), "host": "h"]]]]).serializedString())
        client.send(JSONValue.object(["id": "invalid", "type": "start",
                                      "payload": ["data": #"{"query":"subscription { onMessageInGroup(groupId: \"g\") { groupId } }"}"#,
                                                  "extensions": ["authorization": ["x-api-key": .string(f.key)]]]]).serializedString())
        let messages = await client.sender.waitFor(5)
        let noauth = try #require(messages.first { $0["id"] == "noauth" })
        #expect(noauth["type"] == "error")
        #expect(noauth["payload"]?["errors"]?.arrayValue?.first?["errorType"] == "UnauthorizedException")
        #expect(messages.first { $0["id"] == "withauth" }?["type"] == "start_ack")
        let invalid = try #require(messages.first { $0["id"] == "invalid" })
        #expect(invalid["type"] == "error")
        #expect(invalid["payload"]?["errors"]?.arrayValue?.first?["message"]
            == "Validation error of type MissingFieldArgument: Missing field argument domain @ 'onMessageInGroup'")
        await client.close()
    }

    @Test func badHandshakeKeyAndUnknownAPIGetConnectionError() async throws {
        let f = try Fixture.make()
        let bad = Data(#"{"host":"h","x-api-key":"da2-wrong"}"#.utf8).base64EncodedString()
        for target in ["/apis/\(f.apiId)/graphql/realtime?header=\(bad)", "/apis/nope/graphql/realtime"] {
            let client = Client(f, target: target)
            client.send(#"{"type":"connection_init"}"#)
            let messages = await client.sender.waitFor(1)
            #expect(messages.first?["type"] == "connection_error")
            #expect(messages.first?["payload"]?["errors"]?.arrayValue?.first?["errorCode"] == 401)
            await client.task.value
            #expect(client.sender.closed != nil)
        }
    }

    @Test func upgradesNeedGraphQLWS() throws {
        let f = try Fixture.make()
        let endpoint = RealtimeEndpoint(backend: f.backend)
        #expect(endpoint.accept(AWSRequest(method: "GET", target: "/graphql/realtime", headers: HTTPHeaders([("Sec-WebSocket-Protocol", "chat")]))) == nil)
        #expect(endpoint.accept(AWSRequest(method: "GET", target: "/other", headers: HTTPHeaders([("Sec-WebSocket-Protocol", "graphql-ws")]))) == nil)
        for path in ["/graphql", "/graphql/realtime", "/graphql/connect", "/apis/x/graphql", "/apis/x/graphql/realtime"] {
            let accepted = endpoint.accept(AWSRequest(method: "GET", target: path, headers: HTTPHeaders([("Sec-WebSocket-Protocol", "graphql-ws, header-e30")])))
            #expect(accepted?.subprotocol == "graphql-ws")
        }
    }

    @Test func connectionWithoutInitIsClosed() async throws {
        let f = try Fixture.make()
        let request = AWSRequest(method: "GET", target: "/apis/\(f.apiId)/graphql", headers: HTTPHeaders([("Sec-WebSocket-Protocol", "graphql-ws")]))
        let endpoint = RealtimeEndpoint(backend: f.backend, limits: .init(), timing: .init(initTimeout: .milliseconds(50), keepAliveInterval: .seconds(60)))
        let (_, session) = try #require(endpoint.accept(request))
        let sender = RecordingSender()
        let (stream, continuation) = AsyncStream<WebSocketMessage>.makeStream()
        await session.run(inbound: stream, sender: sender)
        #expect(sender.closed == 4408)
        continuation.finish()
    }
}

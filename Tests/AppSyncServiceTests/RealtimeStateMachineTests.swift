import AWSCore
import Testing
@testable import AppSyncService

/// The real-time protocol without a socket (mesh-v2-behavior.md §7.2).
@Suite struct RealtimeStateMachineTests {
    typealias Machine = RealtimeStateMachine

    @Test func initIsAcknowledgedWithTimeoutThenKeepAlive() {
        var m = Machine(handshake: .valid)
        let actions = m.received(#"{"type":"connection_init"}"#)
        #expect(actions == [.send(#"{"type":"connection_ack","payload":{"connectionTimeoutMs":300000}}"#), .send(#"{"type":"ka"}"#)])
        #expect(m.keepAliveDue() == [.send(#"{"type":"ka"}"#)])
    }

    @Test func badHandshakeAuthGetsConnectionError() {
        var m = Machine(handshake: .invalid)
        let actions = m.received(#"{"type":"connection_init"}"#)
        #expect(actions.count == 2)
        guard case .send(let text) = actions[0] else { Issue.record("expected a message"); return }
        #expect(json(text) == json(#"""
            {"type":"connection_error","payload":{"errors":[{"errorType":"UnauthorizedException",
             "message":"You are not authorized to make this call.","errorCode":401}]}}
            """#))
        guard case .close = actions[1] else { Issue.record("expected close"); return }
        #expect(m.received(#"{"type":"connection_init"}"#) == [])
    }

    @Test func noKeepAliveBeforeInitAndTimeoutCloses() {
        var m = Machine(handshake: .absent)
        #expect(m.keepAliveDue() == [])
        let actions = m.initTimeoutElapsed()
        #expect(actions.count == 1)
        guard case .close = actions.first else { Issue.record("expected close"); return }
        // After init, the timer is harmless.
        var n = Machine(handshake: .absent)
        _ = n.received(#"{"type":"connection_init"}"#)
        #expect(n.initTimeoutElapsed() == [])
    }

    @Test func startStopLifecycle() {
        var m = Machine(handshake: .valid)
        _ = m.received(#"{"type":"connection_init"}"#)
        let start = m.received(#"{"id":"s1","type":"start","payload":{"data":"{}"}}"#)
        #expect(start == [.beginStart(id: "s1", payload: ["data": "{}"])])
        #expect(m.startSucceeded(id: "s1") == [])
        #expect(m.received(#"{"id":"s1","type":"stop"}"#) == [.unsubscribe(id: "s1"), .send(#"{"id":"s1","type":"complete"}"#)])
        #expect(m.connectionClosed() == [.unsubscribeAll])
    }

    @Test func duplicateIdsAndTheSubscriptionLimitAreRefused() {
        var limits = Machine.Limits()
        limits.maxSubscriptions = 2
        var m = Machine(handshake: .valid, limits: limits)
        _ = m.received(#"{"type":"connection_init"}"#)
        _ = m.received(#"{"id":"a","type":"start","payload":{}}"#)
        _ = m.startSucceeded(id: "a")
        let duplicate = m.received(#"{"id":"a","type":"start","payload":{}}"#)
        guard case .send(let d) = duplicate.first else { Issue.record("expected error"); return }
        #expect(json(d)["type"] == "error")
        #expect(json(d)["id"] == "a")
        _ = m.received(#"{"id":"b","type":"start","payload":{}}"#)
        let third = m.received(#"{"id":"c","type":"start","payload":{}}"#)
        guard case .send(let t) = third.first else { Issue.record("expected error"); return }
        #expect(json(t)["payload"]?["errors"]?.arrayValue?.first?["errorType"] == "MaxSubscriptionsReachedError")
    }

    @Test func failedStartSendsErrorWithId() {
        var m = Machine(handshake: .valid)
        _ = m.received(#"{"type":"connection_init"}"#)
        _ = m.received(#"{"id":"x","type":"start","payload":{}}"#)
        let actions = m.startFailed(id: "x", errors: [.unauthorized])
        guard case .send(let text) = actions.first else { Issue.record("expected error"); return }
        #expect(json(text) == json(#"""
            {"id":"x","type":"error","payload":{"errors":[{"errorType":"UnauthorizedException",
             "message":"You are not authorized to make this call.","errorCode":401}]}}
            """#))
        // The id is free again.
        #expect(m.received(#"{"id":"x","type":"start","payload":{}}"#) == [.beginStart(id: "x", payload: [:])])
    }

    @Test func malformedUnknownAndOversizedMessagesGetErrors() {
        var limits = Machine.Limits()
        limits.maxMessageBytes = 64
        var m = Machine(handshake: .valid, limits: limits)
        _ = m.received(#"{"type":"connection_init"}"#)
        for text in ["not json", #"{"type":"subscribe","id":"1"}"#, String(repeating: "x", count: 100)] {
            let actions = m.received(text)
            guard case .send(let reply) = actions.first, actions.count == 1 else { Issue.record("expected one error for \(text)"); continue }
            #expect(json(reply)["type"] == "error")
        }
        #expect(m.receivedBinary().count == 1)
        // Still usable afterwards.
        #expect(m.keepAliveDue() == [.send(#"{"type":"ka"}"#)])
    }

    @Test func stopDuringStartUndoesTheRegistration() {
        var m = Machine(handshake: .valid)
        _ = m.received(#"{"type":"connection_init"}"#)
        _ = m.received(#"{"id":"s","type":"start","payload":{}}"#)
        #expect(m.received(#"{"id":"s","type":"stop"}"#) == [.send(#"{"id":"s","type":"complete"}"#)])
        #expect(m.startSucceeded(id: "s") == [.unsubscribe(id: "s")])
    }

    @Test func handshakeCredentialsFromQueryAndSubprotocol() {
        // {"host":"h","x-api-key":"da2-abc"} with standard base64 (+ and / kept raw) and base64url.
        let header = "eyJob3N0IjoiaCIsIngtYXBpLWtleSI6ImRhMi1hYmMifQ=="
        let q = AWSRequest(method: "GET", target: "/graphql/realtime?header=\(header)&payload=e30=")
        let fromQuery = RealtimeAuthorization.handshakeCredentials(q, subprotocols: ["graphql-ws"])
        #expect(fromQuery??["x-api-key"] == "da2-abc")
        let url = "header-eyJob3N0IjoiaCIsIngtYXBpLWtleSI6ImRhMi1hYmMifQ"
        let fromProtocol = RealtimeAuthorization.handshakeCredentials(AWSRequest(method: "GET", target: "/graphql"), subprotocols: ["graphql-ws", url])
        #expect(fromProtocol??["x-api-key"] == "da2-abc")
        #expect(RealtimeAuthorization.handshakeCredentials(AWSRequest(method: "GET", target: "/graphql"), subprotocols: ["graphql-ws"]) == nil)
        // A value with + and / must decode as is: {"x-api-key":"da2-k","p":"~~~>>>???"} → contains "+" and "/".
        let tricky = "eyJ4LWFwaS1rZXkiOiJkYTItayIsInAiOiJ+fn4+Pj4/Pz8ifQ=="
        #expect(tricky.contains("+") && tricky.contains("/"))
        let decoded = RealtimeAuthorization.decodeHeader(tricky)
        #expect(decoded?["x-api-key"] == "da2-k")
    }
}

import AWSCore
import Foundation

/// One AppSync real-time WebSocket connection: drives ``RealtimeStateMachine`` with the client's
/// messages and its timers, and performs its actions against the backend and the hub.
struct RealtimeSession: WebSocketSession {
    struct Timing: Sendable {
        /// A connection that has not sent `connection_init` by then is closed.
        var initTimeout: Duration = .seconds(60)
        /// Interval between `ka` messages (Amplify warns after 65 s without one).
        var keepAliveInterval: Duration = .seconds(60)
    }

    let backend: AppSyncBackend
    /// The API the URL or `Host` named, or the handshake key's API.
    let apiId: String?
    let handshake: RealtimeStateMachine.HandshakeAuth
    let handshakeKey: String?
    let caller: CallerInfo
    let limits: RealtimeStateMachine.Limits
    let timing: Timing
    /// Names the connection in the API's log.
    let connectionID = RequestID.make()

    private enum Event: Sendable {
        case message(WebSocketMessage)
        case initTimeout
        case keepAlive
        case closed
    }

    func run(inbound: AsyncStream<WebSocketMessage>, sender: any WebSocketSender) async {
        let metering = backend.openConnectionMeter(apiId: apiId)  // metering
        defer { metering.close() }  // metering
        // Request-level log (only formatted when the API logs).
        if handshake == .valid { backend.logRealtime(apiId: apiId, "\(connectionID) Realtime connection established (graphql-ws)") }
        let outbox = RealtimeOutbox(sender: sender)
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let reader = Task {
            for await message in inbound { continuation.yield(.message(message)) }
            continuation.yield(.closed)
        }
        let timing = timing
        let timers = Task {
            try? await Task.sleep(for: timing.initTimeout)
            continuation.yield(.initTimeout)
            while !Task.isCancelled {
                try? await Task.sleep(for: timing.keepAliveInterval)
                if Task.isCancelled { break }
                continuation.yield(.keepAlive)
            }
        }
        var machine = RealtimeStateMachine(handshake: handshake, limits: limits)
        var done = false
        for await event in events {
            let actions: [RealtimeStateMachine.Action]
            switch event {
            case .message(let message): actions = message.text.map { machine.received($0) } ?? machine.receivedBinary()
            case .initTimeout: actions = machine.initTimeoutElapsed()
            case .keepAlive: actions = machine.keepAliveDue()
            case .closed:
                actions = machine.connectionClosed()
                done = true
            }
            for action in actions { await perform(action, machine: &machine, outbox: outbox) }
            if case .closed = machine.state { done = true }
            if done { break }
        }
        backend.hub.remove(outbox: outbox)
        timers.cancel()
        reader.cancel()
        continuation.finish()
    }

    private func perform(_ action: RealtimeStateMachine.Action, machine: inout RealtimeStateMachine, outbox: RealtimeOutbox) async {
        switch action {
        case .send(let text):
            outbox.send(text)
        case .close(let code, let reason):
            // Queued frames are ahead of the close: `enqueue` has already handed them to the connection.
            try? await outbox.sender.close(code: code, reason: reason)
        case .unsubscribe(let id):
            backend.hub.remove(outbox: outbox, id: id)
        case .unsubscribeAll:
            backend.hub.remove(outbox: outbox)
        case .beginStart(let id, let payload):
            let followUps: [RealtimeStateMachine.Action]
            switch await start(id: id, payload: payload, outbox: outbox) {
            case .success: followUps = machine.startSucceeded(id: id)
            case .failure(let failure): followUps = machine.startFailed(id: id, errors: failure.errors)
            }
            for next in followUps { await perform(next, machine: &machine, outbox: outbox) }
        }
    }

    /// Authorises, checks and registers one subscription; the hub queues its `start_ack`.
    private func start(id: String, payload: JSONObject, outbox: RealtimeOutbox) async -> Result<Void, StartFailure> {
        let key: String?
        if let authorization = payload["extensions"]?["authorization"]?.objectValue {
            key = RealtimeAuthorization.apiKey(in: authorization)
        } else {
            key = handshake == .valid ? handshakeKey : nil
        }
        guard let api = backend.authorizedAPI(apiId: apiId, apiKey: key) else { return .failure(StartFailure([RealtimeError.unauthorized])) }
        var caller = caller
        caller.apiKey = key
        switch await backend.prepareSubscription(apiId: api, payload: payload, caller: caller) {
        case .success(let prepared):
            let subscriber = SubscriptionHub.Subscriber(outbox: outbox, id: id, field: prepared.field, filter: prepared.filter,
                                                        projection: prepared.projection)
            backend.hub.add(apiId: api, subscriber, ack: RealtimeMessages.startAck(id: id))
            backend.logRealtime(apiId: api, "\(connectionID) Subscription registered: id \(id), field \(prepared.field)")
            return .success(())
        case .failure(let failure):
            return .failure(failure)
        }
    }
}

/// Reads AppSync real-time credentials: the `header` query parameter (standard base64 JSON) and
/// the `header-<base64url>` sub-protocol (Amplify), both carrying `{"host": …, "x-api-key": …}`.
enum RealtimeAuthorization {
    static func apiKey(in object: JSONObject) -> String? {
        for (k, v) in object where k.lowercased() == "x-api-key" { return v.stringValue }
        return nil
    }

    /// Decodes standard or URL-safe base64, padded or not, into a JSON object.
    static func decodeHeader(_ text: String) -> JSONObject? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        // A `+` in a query string may arrive as a space from clients that form-encode.
        s = s.replacingOccurrences(of: " ", with: "+")
        while s.count % 4 != 0 { s += "=" }
        guard let data = Data(base64Encoded: s), case .object(let o)? = try? JSONParser.parse(Array(data)) else { return nil }
        return o
    }

    /// The credentials of an upgrade request, if it carries any: nil when none, `.some(nil)`
    /// when they cannot be read.
    static func handshakeCredentials(_ request: AWSRequest, subprotocols: [String]) -> JSONObject?? {
        if let header = request.queryValue("header"), !header.isEmpty { return .some(decodeHeader(header)) }
        if let proto = subprotocols.first(where: { $0.hasPrefix("header-") }) { return .some(decodeHeader(String(proto.dropFirst(7)))) }
        return nil
    }
}

import AWSCore

/// The AppSync real-time protocol for one connection, as a pure state machine.
///
/// The session feeds it events (a client message, a timer, the outcome of a `start`) and performs
/// the actions it returns; the machine itself never touches a socket, a clock or the hub, so it is
/// tested without either.
struct RealtimeStateMachine {
    struct Limits: Sendable, Equatable {
        /// `connection_ack.payload.connectionTimeoutMs`.
        var connectionTimeoutMs = 300_000
        /// AppSync: 100 subscriptions per connection.
        var maxSubscriptions = 100
        /// Largest client message accepted (AppSync documents 240 KB for subscription payloads).
        var maxMessageBytes = 240 * 1024
        init() {}
    }

    /// What the upgrade request's credentials (`header` query parameter or `header-…` sub-protocol) proved.
    enum HandshakeAuth: Sendable, Equatable {
        /// A valid key for the connection's API.
        case valid
        /// Credentials were given and are wrong (unknown, expired or deleted key; unknown API).
        case invalid
        /// None given: each `start` must carry `extensions.authorization`.
        case absent
    }

    enum State {
        /// Upgraded; waiting for `connection_init` (closed if it does not come in time).
        case awaitingInit(AwaitingInit)
        /// Acknowledged: subscriptions may be started and stopped; keep-alives flow.
        case active(Active)
        /// `connection_error` sent or the socket closed: nothing more happens.
        case closed
    }

    struct AwaitingInit {
        var handshake: HandshakeAuth
    }

    struct Active {
        /// Subscriptions acknowledged with `start_ack`.
        var subscriptions: Set<String> = []
        /// `start`s being checked and registered.
        var starting: Set<String> = []
        var count: Int { subscriptions.count + starting.count }
    }

    enum Action: Equatable {
        case send(String)
        case close(code: UInt16, reason: String)
        /// Check and register a subscription; report back with ``startSucceeded(id:)`` or ``startFailed(id:errors:)``.
        case beginStart(id: String, payload: JSONObject)
        case unsubscribe(id: String)
        case unsubscribeAll
    }

    private(set) var state: State
    let limits: Limits

    init(handshake: HandshakeAuth, limits: Limits = Limits()) {
        state = .awaitingInit(AwaitingInit(handshake: handshake))
        self.limits = limits
    }

    /// A text frame from the client.
    mutating func received(_ text: String) -> [Action] {
        if text.utf8.count > limits.maxMessageBytes {
            switch state {
            case .awaitingInit, .active:
                return [.send(RealtimeMessages.error(id: nil, [RealtimeError(
                    errorType: "LimitExceededError", message: "Message size of \(text.utf8.count) bytes exceeds the limit of \(limits.maxMessageBytes) bytes.")]))]
            case .closed:
                return []
            }
        }
        return received(RealtimeMessages.parse(text))
    }

    /// A binary frame: the protocol is text only.
    mutating func receivedBinary() -> [Action] {
        switch state {
        case .awaitingInit, .active:
            return [.send(RealtimeMessages.error(id: nil, [RealtimeError(errorType: "UnsupportedOperation", message: "Binary messages are not supported through the realtime channel")]))]
        case .closed:
            return []
        }
    }

    mutating func received(_ message: RealtimeMessages.Inbound) -> [Action] {
        switch state {
        case .closed:
            return []
        case .awaitingInit(let waiting):
            switch message {
            case .connectionInit:
                switch waiting.handshake {
                case .invalid:
                    state = .closed
                    return [.send(RealtimeMessages.connectionError([.unauthorized])), .close(code: 4401, reason: "Unauthorized")]
                case .valid, .absent:
                    state = .active(Active())
                    return [.send(RealtimeMessages.connectionAck(timeoutMs: limits.connectionTimeoutMs)), .send(RealtimeMessages.keepAlive)]
                }
            case .start(let id, _):
                return [.send(RealtimeMessages.error(id: id, [RealtimeError(
                    errorType: "UnsupportedOperation", message: "start not supported before connection_init")]))]
            case .stop(let id):
                return [.send(RealtimeMessages.complete(id: id))]
            case .unsupported(let type, let id):
                return [.send(Self.unsupported(type, id: id))]
            case .malformed:
                return [.send(Self.malformed)]
            }
        case .active(var active):
            switch message {
            case .connectionInit:
                return [.send(RealtimeMessages.connectionAck(timeoutMs: limits.connectionTimeoutMs))]
            case .start(let id, let payload):
                if active.subscriptions.contains(id) || active.starting.contains(id) {
                    return [.send(RealtimeMessages.error(id: id, [RealtimeError(
                        errorType: "DuplicatedOperationError", message: "Duplicate subscription ID: \(id)")]))]
                }
                if active.count >= limits.maxSubscriptions {
                    return [.send(RealtimeMessages.error(id: id, [RealtimeError(
                        errorType: "MaxSubscriptionsReachedError", message: "Max number of \(limits.maxSubscriptions) subscriptions reached")]))]
                }
                active.starting.insert(id)
                state = .active(active)
                return [.beginStart(id: id, payload: payload)]
            case .stop(let id):
                let known = active.subscriptions.remove(id) != nil
                active.starting.remove(id)
                state = .active(active)
                return known ? [.unsubscribe(id: id), .send(RealtimeMessages.complete(id: id))] : [.send(RealtimeMessages.complete(id: id))]
            case .unsupported(let type, let id):
                return [.send(Self.unsupported(type, id: id))]
            case .malformed:
                return [.send(Self.malformed)]
            }
        }
    }

    /// The subscription is registered (its `start_ack` was queued with the registration).
    mutating func startSucceeded(id: String) -> [Action] {
        switch state {
        case .active(var active):
            guard active.starting.remove(id) != nil else {
                // Stopped while starting: undo the registration.
                return [.unsubscribe(id: id)]
            }
            active.subscriptions.insert(id)
            state = .active(active)
            return []
        case .awaitingInit, .closed:
            return [.unsubscribe(id: id)]
        }
    }

    mutating func startFailed(id: String, errors: [RealtimeError]) -> [Action] {
        switch state {
        case .active(var active):
            active.starting.remove(id)
            state = .active(active)
            return [.send(RealtimeMessages.error(id: id, errors))]
        case .awaitingInit, .closed:
            return []
        }
    }

    /// The client did not send `connection_init` in time.
    mutating func initTimeoutElapsed() -> [Action] {
        switch state {
        case .awaitingInit:
            state = .closed
            return [.close(code: 4408, reason: "Connection initialisation timeout")]
        case .active, .closed:
            return []
        }
    }

    /// Time for a keep-alive.
    mutating func keepAliveDue() -> [Action] {
        switch state {
        case .active: [.send(RealtimeMessages.keepAlive)]
        case .awaitingInit, .closed: []
        }
    }

    /// The socket closed.
    mutating func connectionClosed() -> [Action] {
        switch state {
        case .active:
            state = .closed
            return [.unsubscribeAll]
        case .awaitingInit, .closed:
            state = .closed
            return []
        }
    }

    private static func unsupported(_ type: String, id: String?) -> String {
        RealtimeMessages.error(id: id, [RealtimeError(errorType: "UnsupportedOperation", message: "\(type) not supported through the realtime channel")])
    }

    private static let malformed = RealtimeMessages.error(id: nil, [RealtimeError(
        errorType: "MessageProcessingError", message: "Unable to parse the message: expected a JSON object with a string \"type\".")])
}

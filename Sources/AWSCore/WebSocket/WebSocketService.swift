/// A message on a WebSocket, as services see it (no NIO types).
public enum WebSocketMessage: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
    /// A text message written as `head`, `body`, `tail`, one after the other, straight into the
    /// frame: fan-out shares one serialized `body` among all subscribers and keeps a short `head`
    /// per subscription, so a delivery joins no strings.
    case textParts(head: String, body: String, tail: String)

    /// The text of a text message.
    public var text: String? {
        switch self {
        case .text(let text): text
        case .textParts(let head, let body, let tail): head + body + tail
        case .binary: nil
        }
    }
}

/// Sends to one WebSocket peer.
public protocol WebSocketSender: Sendable {
    /// Queues a message without waiting (fan-out calls it under its own lock). It is the one way
    /// to send, so messages queued in one order (by one caller, or under one lock) reach the peer
    /// in that order; once the connection closed they are dropped.
    func enqueue(_ message: WebSocketMessage)
    /// Closes with a close code (1000 normal, 4xxx application) and reason.
    func close(code: UInt16, reason: String?) async throws
}

/// One accepted WebSocket connection, driven by the server until `inbound` ends.
public protocol WebSocketSession: Sendable {
    func run(inbound: AsyncStream<WebSocketMessage>, sender: any WebSocketSender) async
}

/// Decides whether a service takes a WebSocket upgrade.
public protocol WebSocketEndpoint: Sendable {
    /// A session for this upgrade request, with the sub-protocol to answer, or nil when the
    /// request is not for this endpoint (or should not be upgraded; it then reaches the HTTP
    /// responder, which explains why).
    func accept(_ request: AWSRequest) -> (subprotocol: String?, session: any WebSocketSession)?
}

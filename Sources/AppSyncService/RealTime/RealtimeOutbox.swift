import AWSCore

/// The frames to one WebSocket client, queued without waiting. Fan-out, acks and keep-alives all
/// go through it in one order, so a client sees `start_ack` before that subscription's first
/// `data`, and data in mutation order. Nothing here suspends: a publisher never waits on a slow
/// client, and no task hop stands between a mutation and the socket.
public final class RealtimeOutbox: Sendable {
    let sender: any WebSocketSender

    public init(sender: any WebSocketSender) {
        self.sender = sender
    }

    func send(_ text: String) { sender.enqueue(.text(text)) }
    func send(_ message: WebSocketMessage) { sender.enqueue(message) }
}

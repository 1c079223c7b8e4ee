import AWSCore

/// The ordered queue of frames to one WebSocket client. Fan-out, acks and keep-alives all go
/// through it, so a client sees `start_ack` before that subscription's first `data`, and data in
/// mutation order.
public final class RealtimeOutbox: Sendable {
    public enum Frame: Sendable, Equatable {
        case text(String)
        case close(code: UInt16, reason: String)
    }

    let stream: AsyncStream<Frame>
    private let continuation: AsyncStream<Frame>.Continuation

    public init() {
        (stream, continuation) = AsyncStream<Frame>.makeStream()
    }

    func send(_ text: String) { continuation.yield(.text(text)) }
    func close(code: UInt16, reason: String) { continuation.yield(.close(code: code, reason: reason)) }
    func finish() { continuation.finish() }
}

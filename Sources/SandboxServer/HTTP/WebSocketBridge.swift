import AWSCore
import HTTPTypes
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

/// Connects Hummingbird's WebSocket upgrade to the services' ``WebSocketEndpoint``s.
struct WebSocketBridge: Sendable {
    let endpoints: [any WebSocketEndpoint]
    let connections: SecureConnectionRegistry
    /// Largest message accepted from a client.
    let maxMessageBytes: Int
    /// Where senders queue fan-out frames, per event loop.
    let batches = FrameBatches()

    func shouldUpgrade(_ head: HTTPRequest, channel: any Channel)
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>
    {
        let request = AWSRequest(method: head.method.rawValue, target: head.path ?? "/", headers: SandboxResponder.headers(head),
                                 remoteAddress: channel.remoteAddress?.ipAddress, isSecure: connections.contains(channel))
        for endpoint in endpoints {
            guard let (subprotocol, session) = endpoint.accept(request) else { continue }
            var headers = HTTPFields()
            if let subprotocol { headers[.secWebSocketProtocol] = subprotocol }
            let maxMessageBytes = maxMessageBytes
            return .upgrade(headers) { inbound, outbound, _ in
                let (stream, continuation) = AsyncStream<AWSCore.WebSocketMessage>.makeStream()
                let sender = Sender(outbound: outbound, channel: channel, target: FrameTarget(channel: channel),
                                    batch: batches.batch(for: channel.eventLoop))
                async let sessionDone: Void = session.run(inbound: stream, sender: sender)
                do {
                    for try await message in inbound.messages(maxSize: maxMessageBytes) {
                        switch message {
                        case .text(let text): continuation.yield(.text(text))
                        case .binary(let buffer): continuation.yield(.binary(Array(buffer.readableBytesView)))
                        }
                    }
                } catch {
                    // A frame over the limit or a protocol error: the session ends like a close.
                }
                continuation.finish()
                await sessionDone
            }
        }
        return .dontUpgrade
    }

    struct Sender: WebSocketSender {
        let outbound: WebSocketOutboundWriter
        let channel: any Channel
        let target: FrameTarget
        let batch: FrameBatch

        /// Hands the frame straight to the channel's event loop: no task or actor hop per message
        /// (fan-out sends tens of thousands a second), batched per loop, ahead of anything
        /// `outbound` writes later.
        func enqueue(_ message: AWSCore.WebSocketMessage) {
            let frame = switch message {
            case .text(let text): FrameBatch.encode(opcode: .text, payload: text.utf8, allocator: channel.allocator)
            case .binary(let bytes): FrameBatch.encode(opcode: .binary, payload: bytes, allocator: channel.allocator)
            case .textParts(let head, let body, let tail):
                FrameBatch.encode(opcode: .text, length: head.utf8.count + body.utf8.count + tail.utf8.count, allocator: channel.allocator) {
                    $0.writeString(head)
                    $0.writeString(body)
                    $0.writeString(tail)
                }
            }
            batch.enqueue(frame, to: target)
        }

        func close(code: UInt16, reason: String?) async throws {
            try await outbound.close(.init(codeNumber: Int(code)), reason: reason)
        }
    }
}

/// `/_sandbox/echo`: echoes each message back; lets users (and tests) check ws:// and wss://.
struct EchoWebSocketEndpoint: WebSocketEndpoint {
    func accept(_ request: AWSRequest) -> (subprotocol: String?, session: any WebSocketSession)? {
        guard request.rawPath == "/_sandbox/echo" else { return nil }
        return (nil, Session())
    }

    struct Session: WebSocketSession {
        func run(inbound: AsyncStream<AWSCore.WebSocketMessage>, sender: any WebSocketSender) async {
            for await message in inbound { sender.enqueue(message) }
        }
    }
}

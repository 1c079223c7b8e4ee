import AWSCore
import NIOCore
import NIOHTTP1

/// Answers requests the HTTP decoder cannot parse (oversized headers, garbage) with a 4xx and
/// closes the connection. Without it a connection still negotiating the WebSocket upgrade
/// would hang on a parse error.
///
/// Sits right after the request decoder. Its reply is written from the response encoder's
/// position, as raw bytes, so it works whatever state the HTTP codec is in.
final class HTTPParseErrorHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private var answered = false

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answered = true
        let (status, message) = Self.reply(for: parseError)
        let body = JSONValue.object(["message": .string(message)]).serializedString()
        let head = "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        let bytes = context.channel.allocator.buffer(string: head + body)
        if let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) {
            encoder.writeAndFlush(NIOAny(bytes)).whenComplete { _ in context.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    static func reply(for error: HTTPParserError) -> (status: String, message: String) {
        switch error {
        case .headerOverflow:
            ("431 Request Header Fields Too Large", "Request header fields are too large")
        default:
            ("400 Bad Request", "Malformed HTTP request: \(error)")
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension HTTPParseErrorHandler: Sendable {}

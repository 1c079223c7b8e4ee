import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle

/// Serves TLS and plain HTTP on one port: looks at the first byte of each connection and adds
/// a TLS handler in front of the HTTP pipeline when it is a TLS handshake record (0x16).
///
/// NIO registers an accepted channel only once `setup` completes, so `setup` must not wait for
/// data: it installs the sniffer and returns at once; the base pipeline is built when the first
/// bytes arrive, and `handle` waits for it.
struct SniffTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let channel: any Channel
        let inner: EventLoopFuture<Base.Value>
    }

    let base: Base
    let sslContext: NIOSSLContext
    let connections: SecureConnectionRegistry

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let promise = channel.eventLoop.makePromise(of: Base.Value.self)
        return channel.eventLoop.makeCompletedFuture {
            // A connection that closes before sending anything never gets a pipeline: fail the
            // promise so `handle` returns (and graceful shutdown is not kept waiting).
            let sniffer = TLSSniffHandler(onCloseBeforeData: { promise.fail(ChannelError.inputClosed) }) { channel, isTLS in
                if isTLS {
                    connections.insert(channel)
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                }
                let future = base.setup(channel: channel, logger: logger)
                future.whenSuccess { _ in
                    // The base pipeline is built synchronously; put the parse-error responder behind its decoder.
                    let operations = channel.pipeline.syncOperations
                    if let decoder = try? operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                        try? operations.addHandler(HTTPParseErrorHandler(), position: .after(decoder))
                    }
                }
                future.cascade(to: promise)
            }
            try channel.pipeline.syncOperations.addHandler(sniffer)
            return Value(channel: channel, inner: promise.futureResult)
        }
    }

    func handle(value: Value, logger: Logger) async {
        // On shutdown, a connection that has not sent its first byte yet is closed rather than waited for.
        let inner = await withGracefulShutdownHandler {
            try? await value.inner.get()
        } onGracefulShutdown: {
            let channel = value.channel
            channel.pipeline.handler(type: TLSSniffHandler.self).whenSuccess { _ in channel.close(promise: nil) }
        }
        guard let inner else {
            try? await value.channel.close()
            return
        }
        await base.handle(value: inner, logger: logger)
    }
}

/// Buffers the first read, configures the pipeline behind itself, then removes itself and
/// replays what it read.
final class TLSSniffHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let configure: (any Channel, Bool) throws -> Void
    private let onCloseBeforeData: () -> Void
    private var buffered: ByteBuffer?

    init(onCloseBeforeData: @escaping () -> Void, configure: @escaping (any Channel, Bool) throws -> Void) {
        self.onCloseBeforeData = onCloseBeforeData
        self.configure = configure
    }

    func channelInactive(context: ChannelHandlerContext) {
        if buffered == nil { onCloseBeforeData() }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard buffered == nil else {
            buffered!.writeImmutableBuffer(bytes)
            return
        }
        buffered = bytes
        guard let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else { return }
        do {
            try configure(context.channel, first == 0x16)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        } catch {
            onCloseBeforeData()
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        if let buffered {
            self.buffered = nil
            context.fireChannelRead(wrapInboundOut(buffered))
            context.fireChannelReadComplete()
        }
        context.leavePipeline(removalToken: removalToken)
    }
}

@available(*, unavailable)
extension TLSSniffHandler: Sendable {}

import AWSCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// Where the sandbox's GraphQL API is, and how to reach it.
struct Target {
    let host: String
    let port: Int
    let graphQLPath: String
    let apiKey: String
    let tls: NIOSSLContext?

    /// Adds TLS (the sandbox CA verified, name `localhost` — in every sandbox certificate) when configured.
    func addTLS(to channel: Channel) throws {
        guard let tls else { return }
        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: "localhost"))
    }
}

struct RequestFailed: Error, CustomStringConvertible {
    let description: String
}

/// One keep-alive HTTP/1.1 connection that pipelines GraphQL POSTs: replies complete in request
/// order, so one connection per group keeps that group's mutations in order without waiting.
///
/// It writes each request as one buffer and reads the replies itself (the sandbox always sends
/// `content-length`) rather than through NIOHTTP1's encoder and decoder: the client shares the
/// two cores with the server it measures.
final class GraphQLConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private var pending = CircularBuffer<EventLoopPromise<ByteBuffer>>()
    private var received: ByteBuffer?
    private var channel: Channel!
    private let target: Target
    /// Everything before the content-length value, the same for every request.
    private let head: String

    private init(target: Target) {
        self.target = target
        head = "POST \(target.graphQLPath) HTTP/1.1\r\nhost: \(target.host):\(target.port)\r\ncontent-type: application/json\r\n"
            + "x-api-key: \(target.apiKey)\r\ncontent-length: "
    }

    static func connect(_ target: Target, group: EventLoopGroup) async throws -> GraphQLConnection {
        let handler = GraphQLConnection(target: target)
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try target.addTLS(to: channel)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: target.host, port: target.port).get()
        handler.channel = channel
        return handler
    }

    /// The event loop the connection runs on (drive it from there to skip a hop per request).
    var loop: EventLoop { channel.eventLoop }

    /// Sends `body` (a GraphQL request's JSON) and completes with the reply's body.
    func post(_ body: String) -> EventLoopFuture<ByteBuffer> {
        guard loop.inEventLoop else { return loop.flatSubmit { self.post(body) } }
        let promise = loop.makePromise(of: ByteBuffer.self)
        pending.append(promise)
        var request = channel.allocator.buffer(capacity: head.utf8.count + body.utf8.count + 16)
        request.writeString(head)
        request.writeString(String(body.utf8.count))
        request.writeString("\r\n\r\n")
        request.writeString(body)
        channel.writeAndFlush(request, promise: nil)
        return promise.futureResult
    }

    /// Posts and parses the reply; GraphQL errors become thrown errors.
    func graphQL(_ query: String, _ variables: JSONObject) async throws -> JSONValue {
        let request: JSONValue = ["query": .string(query), "variables": .object(variables)]
        let reply = try await post(request.serializedString()).get()
        let json = try JSONParser.parse(reply.readableBytesView)
        if let errors = json["errors"], !errors.isNull { throw RequestFailed(description: errors.serializedString()) }
        return json["data"] ?? .null
    }

    func close() async {
        try? await channel.close()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if received != nil {
            received!.writeBuffer(&bytes)
            bytes = received!
            received = nil
        }
        do {
            while let (status, body) = try Self.nextResponse(&bytes) {
                guard let promise = pending.popFirst() else { throw RequestFailed(description: "a reply to no request") }
                if status == 200 { promise.succeed(body) } else { promise.fail(RequestFailed(description: "HTTP \(status)")) }
            }
        } catch {
            errorCaught(context: context, error: error)
            return
        }
        if bytes.readableBytes > 0 { received = bytes }
    }

    /// The next whole response's status and body, or nil when `bytes` holds only part of one.
    static func nextResponse(_ bytes: inout ByteBuffer) throws -> (status: Int, body: ByteBuffer)? {
        guard let headEnd = bytes.withUnsafeReadableBytes({ SubscriberConnection.find("\r\n\r\n", in: $0, from: 0) }) else { return nil }
        guard let head = bytes.getString(at: bytes.readerIndex, length: headEnd), head.hasPrefix("HTTP/1.1 "),
              let status = Int(head.dropFirst(9).prefix(3)) else { throw RequestFailed(description: "not an HTTP/1.1 response") }
        let length = head.split(separator: "\r\n").lazy.compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first
        guard let length else { throw RequestFailed(description: "a response without content-length") }
        guard bytes.readableBytes >= headEnd + length else { return nil }
        bytes.moveReaderIndex(forwardBy: headEnd)
        return (status, bytes.readSlice(length: length)!)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        failAll(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RequestFailed(description: "connection closed"))
    }

    private func failAll(_ error: Error) {
        while let promise = pending.popFirst() { promise.fail(error) }
    }
}

/// One subscribed node: AppSync's real-time protocol over a WebSocket (`graphql-ws`), checking
/// that every message of its group arrives once and in order.
///
/// It reads the server's frames itself, from the TLS handler's output, rather than through
/// `ByteToMessageHandler<WebSocketFrameDecoder>`: the client shares the two cores with the server,
/// and that decoder's per-frame `WebSocketFrame` and type-erased hops cost it about a tenth of its CPU.
final class SubscriberConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    let node: NodeTally
    private let startMessage: String
    private let ready: EventLoopPromise<Void>
    private var fragments: ByteBuffer?
    /// Bytes of a frame not yet complete.
    private var pendingBytes: ByteBuffer?
    private let latencies: LatencyHistogram

    init(node: NodeTally, startMessage: String, ready: EventLoopPromise<Void>, latencies: LatencyHistogram) {
        self.node = node
        self.startMessage = startMessage
        self.ready = ready
        self.latencies = latencies
    }

    /// Connects, upgrades with the `header` query parameter carrying the API key, and completes
    /// once the subscription is acknowledged.
    static func connect(_ target: Target, group: EventLoopGroup, node: NodeTally, subscription: String,
                        latencies: LatencyHistogram) async throws -> Channel {
        let auth: JSONValue = ["host": .string("\(target.host):\(target.port)"), "x-api-key": .string(target.apiKey)]
        let header = Data(auth.serializedString().utf8).base64EncodedString()
        let start: JSONValue = ["id": "s", "type": "start", "payload": ["data": .string(subscription), "extensions": ["authorization": auth]]]
        let loop = group.next()
        let ready = loop.makePromise(of: Void.self)
        let startMessage = start.serializedString()
        let path = "\(target.graphQLPath)/realtime?header=\(header)&payload=e30="
        let channel = try await ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = SubscriberConnection(node: node, startMessage: startMessage, ready: ready, latencies: latencies)
                    let upgraded = try configure(channel, target: target, path: path) { channel in
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    // Only once the upgrade handler has left the pipeline do frames reach the server.
                    upgraded.whenSuccess { handler.send(#"{"type":"connection_init"}"#, on: channel) }
                    upgraded.cascadeFailure(to: ready)
                }
            }
            .connect(host: target.host, port: target.port).get()
        try await ready.futureResult.get()
        return channel
    }

    /// TLS, then HTTP with a WebSocket upgrade to `path` (sub-protocol `graphql-ws`); `upgraded`
    /// sets up the WebSocket side.
    private static func configure(_ channel: Channel, target: Target, path: String,
                                  upgraded: @escaping (Channel) throws -> Void) throws -> EventLoopFuture<Void> {
        try target.addTLS(to: channel)
        var headers = NIOHTTP1.HTTPHeaders()
        headers.add(name: "host", value: "\(target.host):\(target.port)")
        headers.add(name: "sec-websocket-protocol", value: "graphql-ws")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        let upgrader = NIOTypedWebSocketClientUpgrader<Void>(maxFrameSize: 1 << 20, enableAutomaticErrorHandling: false) {
            (channel: Channel, _: HTTPResponseHead) -> EventLoopFuture<Void> in
            channel.eventLoop.makeCompletedFuture {
                // Frames are read by the subscriber itself (nothing has arrived yet: the server speaks after connection_init).
                let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self)
                channel.pipeline.syncOperations.removeHandler(decoder, promise: nil)
                try upgraded(channel)
            }
        }
        let refused: @Sendable (Channel) -> EventLoopFuture<Void> = { channel in
            channel.eventLoop.makeFailedFuture(RequestFailed(description: "WebSocket upgrade refused"))
        }
        let upgrade = NIOTypedHTTPClientUpgradeConfiguration<Void>(upgradeRequestHead: head, upgraders: [upgrader],
                                                                  notUpgradingCompletionHandler: refused)
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: .init(upgradeConfiguration: upgrade))
    }

    func send(_ text: String, on channel: Channel) {
        var frame = WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(string: text))
        frame.maskKey = .random()
        channel.writeAndFlush(frame, promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if pendingBytes != nil {
            pendingBytes!.writeBuffer(&bytes)
            bytes = pendingBytes!
            pendingBytes = nil
        }
        while let (fin, opcode, payload) = Self.nextFrame(&bytes) {
            frame(fin: fin, opcode: opcode, payload: payload, context: context)
        }
        if bytes.readableBytes > 0 { pendingBytes = bytes }
    }

    /// The next whole server frame (unmasked, RFC 6455 §5.2), or nil when `bytes` holds only part of one.
    static func nextFrame(_ bytes: inout ByteBuffer) -> (fin: Bool, opcode: UInt8, payload: ByteBuffer)? {
        let start = bytes.readerIndex
        guard let first = bytes.getInteger(at: start, as: UInt8.self), let second = bytes.getInteger(at: start + 1, as: UInt8.self) else { return nil }
        var headerLength = 2, length = Int(second & 0x7F)
        if length == 126 {
            guard let extended = bytes.getInteger(at: start + 2, as: UInt16.self) else { return nil }
            headerLength = 4
            length = Int(extended)
        } else if length == 127 {
            guard let extended = bytes.getInteger(at: start + 2, as: UInt64.self) else { return nil }
            headerLength = 10
            length = Int(extended)
        }
        guard bytes.readableBytes >= headerLength + length else { return nil }
        bytes.moveReaderIndex(forwardBy: headerLength)
        return (first & 0x80 != 0, first & 0x0F, bytes.readSlice(length: length)!)
    }

    private func frame(fin: Bool, opcode: UInt8, payload: ByteBuffer, context: ChannelHandlerContext) {
        switch opcode {
        case 0x1, 0x0:  // text, continuation
            var data = payload
            if !fin || fragments != nil {
                fragments = fragments ?? context.channel.allocator.buffer(capacity: data.readableBytes * 2)
                fragments!.writeBuffer(&data)
                guard fin else { return }
                data = fragments!
                fragments = nil
            }
            received(data, context: context)
        case 0x9:  // ping
            var pong = WebSocketFrame(fin: true, opcode: .pong, data: payload)
            pong.maskKey = .random()
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case 0x8:  // close
            var reason = payload
            let code = reason.readInteger(as: UInt16.self) ?? 0
            ready.fail(RequestFailed(description: "closed by the server: \(code) \(String(buffer: reason))"))
            context.close(promise: nil)
        default:
            break
        }
    }

    private func received(_ text: ByteBuffer, context: ChannelHandlerContext) {
        let now = monotonicNanos()
        // Data messages are most of the traffic: read them with a byte scan, not a JSON parse,
        // so the client spends its CPU on the sockets (the server shares the two cores).
        if let stamp = text.withUnsafeReadableBytes(Self.dataStamp) {
            guard let (seq, sent) = stamp else {
                node.malformed += 1
                return
            }
            node.record(seq: seq)
            latencies.record(nanos: now &- sent, at: now)
            return
        }
        guard let message = try? JSONParser.parse(text.readableBytesView), let type = message["type"]?.stringValue else {
            node.malformed += 1
            return
        }
        switch type {
        case "connection_ack":
            send(startMessage, on: context.channel)
        case "start_ack":
            ready.succeed(())
        case "error", "connection_error":
            ready.fail(RequestFailed(description: String(buffer: text)))
        default:
            break  // ka, complete
        }
    }

    /// nil when `bytes` is not a `data` message; `.some(nil)` when it is one without a stamp.
    /// The stamp is what the mutation carried: sensor data `seq` and `t`, or an event payload `seq|t`.
    static func dataStamp(_ bytes: UnsafeRawBufferPointer) -> (Int, UInt64)?? {
        guard find(#""type":"data""#, in: bytes, from: 0) != nil else { return nil }
        if let seqAt = find(#"{"key":"seq","value":""#, in: bytes, from: 0), let tAt = find(#"{"key":"t","value":""#, in: bytes, from: 0) {
            guard let seq = number(in: bytes, at: seqAt).map(Int.init), let sent = number(in: bytes, at: tAt) else { return .some(nil) }
            return (seq, sent)
        }
        guard let events = find(#""events":[{"#, in: bytes, from: 0), let payload = find(#""payload":""#, in: bytes, from: events),
              let seq = number(in: bytes, at: payload) else { return .some(nil) }
        var bar = payload
        while bar < bytes.count, bytes[bar] != UInt8(ascii: "|") { bar += 1 }
        guard let sent = number(in: bytes, at: bar + 1) else { return .some(nil) }
        return (Int(seq), sent)
    }

    /// The index just past the first `needle` at or after `start`.
    static func find(_ needle: StaticString, in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        let n = needle.utf8CodeUnitCount
        guard n > 0, bytes.count - start >= n, let base = bytes.baseAddress else { return nil }
        let first = Int32(needle.utf8Start.pointee)
        var at = start
        while bytes.count - at >= n, let hit = memchr(base + at, first, bytes.count - at - n + 1) {
            at = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(hit, needle.utf8Start, n) == 0 { return at + n }
            at += 1
        }
        return nil
    }

    private static func number(in bytes: UnsafeRawBufferPointer, at start: Int) -> UInt64? {
        var i = start, value: UInt64 = 0
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
            value = value &* 10 &+ UInt64(bytes[i] - UInt8(ascii: "0"))
            i += 1
        }
        return i > start ? value : nil
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        ready.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        ready.fail(RequestFailed(description: "connection closed"))
    }
}

import AWSCore
import Logging
import NIOCore
import NIOPosix

/// Answers DNS over UDP on the sandbox's port number for the names `isKnown` accepts (the
/// custom domain names its stacks register), with the sandbox's own address.
struct DNSServer: Sendable {
    let host: String
    let port: Int
    let logger: Logger
    let isKnown: @Sendable (String) -> Bool

    func bind() async throws -> any Channel {
        let isKnown = isKnown, logger = logger
        let address = IPAddressBytes.answer(for: host)
        return try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DNSHandler(isKnown: isKnown, address: address, logger: logger))
                }
            }
            .bind(host: host, port: port)
            .get()
    }
}

enum IPAddressBytes {
    /// The addresses to answer with: the listening address, or loopback when listening on all.
    static func answer(for host: String) -> (v4: [UInt8], v6: [UInt8]) {
        let loopback6: [UInt8] = Array(repeating: 0, count: 15) + [1]
        if let bytes = IPAddress.bytes(of: host), host != "0.0.0.0", host != "::" {
            return bytes.count == 4 ? (bytes, loopback6) : ([127, 0, 0, 1], bytes)
        }
        return ([127, 0, 0, 1], loopback6)
    }
}

final class DNSHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let isKnown: @Sendable (String) -> Bool
    let address: (v4: [UInt8], v6: [UInt8])
    let logger: Logger

    init(isKnown: @escaping @Sendable (String) -> Bool, address: (v4: [UInt8], v6: [UInt8]), logger: Logger) {
        self.isKnown = isKnown
        self.address = address
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let query = DNSQuery(Array(envelope.data.readableBytesView)) else { return }  // not a query: ignore, as servers do
        let known = isKnown(query.name)
        let addresses: [[UInt8]] = !known ? [] : query.type == DNSQuery.typeA ? [address.v4] : query.type == DNSQuery.typeAAAA ? [address.v6] : []
        logger.info("DNS \(query.name) type \(query.type) → \(known ? "\(addresses.count) answer(s)" : "NXDOMAIN")")
        let reply = context.channel.allocator.buffer(bytes: query.response(known: known, addresses: addresses))
        context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: reply)), promise: nil)
    }
}

@available(*, unavailable)
extension DNSHandler: Sendable {}

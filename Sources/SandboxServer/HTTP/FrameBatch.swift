import NIOCore
import NIOWebSocket
import Synchronization

/// Frames other threads queue for the channels of one event loop.
///
/// Fan-out queues one frame per subscriber from the publishing thread. Handing each to NIO on its
/// own costs a cross-thread task, and often a wake-up, per frame; here a burst costs one task per
/// loop, and each channel in it is flushed once (one TLS flush and one `write(2)` per channel).
/// Frames arrive encoded (header and payload in one buffer) and enter the pipeline below
/// `WebSocketFrameEncoder`, so TLS seals each as one record. They keep the order they were queued
/// in, and anything NIO is given later (a close from the WebSocket handler) follows them.
final class FrameBatch: Sendable {
    /// A client that stopped reading is disconnected once this much waits for it, rather than
    /// buffering without bound (its session then ends as on a close).
    static let maxBufferedBytes = 16 << 20

    private let loop: any EventLoop
    private let pending = Mutex<[(channel: any Channel, frame: ByteBuffer)]>([])

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ frame: ByteBuffer, on channel: any Channel) {
        let first = pending.withLock { pending in
            pending.append((channel, frame))
            return pending.count == 1
        }
        if first { loop.execute { self.drain() } }
    }

    private func drain() {
        var batch: [(channel: any Channel, frame: ByteBuffer)] = []
        pending.withLock { swap(&batch, &$0) }
        var contexts: [ObjectIdentifier: ChannelHandlerContext] = [:]
        var order: [(any Channel, ChannelHandlerContext)] = []
        for (channel, frame) in batch {
            let id = ObjectIdentifier(channel)
            let context: ChannelHandlerContext
            if let known = contexts[id] {
                context = known
            } else {
                // Closed, or not (or no longer) a WebSocket: nothing to send to.
                guard let found = try? channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self) else { continue }
                contexts[id] = found
                order.append((channel, found))
                context = found
            }
            context.write(NIOAny(frame), promise: nil)
        }
        for (channel, context) in order {
            context.flush()
            if !channel.isWritable, let buffered = try? channel.syncOptions?.getOption(.bufferedWritableBytes),
               buffered > Self.maxBufferedBytes {
                channel.close(promise: nil)
            }
        }
    }

    /// A final, unmasked server frame: header and payload in one buffer.
    static func encode(opcode: WebSocketOpcode, payload: some Collection<UInt8>, allocator: ByteBufferAllocator) -> ByteBuffer {
        encode(opcode: opcode, length: payload.count, allocator: allocator) { $0.writeBytes(payload) }
    }

    /// A final, unmasked server frame whose `length` payload bytes `writePayload` appends.
    static func encode(opcode: WebSocketOpcode, length count: Int, allocator: ByteBufferAllocator,
                       writePayload: (inout ByteBuffer) -> Void) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: count + 10)
        buffer.writeInteger(0x80 | UInt8(webSocketOpcode: opcode))
        switch count {
        case ..<126:
            buffer.writeInteger(UInt8(count))
        case ..<65536:
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(count))
        default:
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(count))
        }
        writePayload(&buffer)
        assert(buffer.readableBytes == count + (count < 126 ? 2 : count < 65536 ? 4 : 10), "payload length as announced")
        return buffer
    }
}

/// One ``FrameBatch`` per event loop, made on first use.
final class FrameBatches: Sendable {
    private let byLoop = Mutex<[ObjectIdentifier: FrameBatch]>([:])

    func batch(for loop: any EventLoop) -> FrameBatch {
        byLoop.withLock { batches in
            if let batch = batches[ObjectIdentifier(loop)] { return batch }
            let batch = FrameBatch(loop: loop)
            batches[ObjectIdentifier(loop)] = batch
            return batch
        }
    }
}

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
    private let pending = Mutex<[(target: FrameTarget, frame: ByteBuffer)]>([])

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ frame: ByteBuffer, to target: FrameTarget) {
        let first = pending.withLock { pending in
            pending.append((target, frame))
            return pending.count == 1
        }
        if first { loop.execute { self.drain() } }
    }

    private func drain() {
        var batch: [(target: FrameTarget, frame: ByteBuffer)] = []
        pending.withLock { swap(&batch, &$0) }
        var flushes: [FrameTarget] = []
        for (target, frame) in batch {
            // Closed, or not (or no longer) a WebSocket: nothing to send to.
            guard target.channel.isActive, let context = target.encoderContext() else { continue }
            context.write(NIOAny(frame), promise: nil)
            if !target.awaitingFlush {
                target.awaitingFlush = true
                flushes.append(target)
            }
        }
        for target in flushes {
            target.awaitingFlush = false
            target.encoderContext()?.flush()
            if !target.channel.isWritable, let buffered = try? target.channel.syncOptions?.getOption(.bufferedWritableBytes),
               buffered > Self.maxBufferedBytes {
                target.channel.close(promise: nil)
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

/// One WebSocket connection as its loop's ``FrameBatch`` sees it; the mutable state is touched on
/// that loop only.
final class FrameTarget: @unchecked Sendable {
    let channel: any Channel
    private var context: ChannelHandlerContext?
    /// In the current drain's list of channels to flush.
    fileprivate var awaitingFlush = false

    init(channel: any Channel) {
        self.channel = channel
    }

    /// `WebSocketFrameEncoder`'s context (frames enter the pipeline just below it), kept once found.
    fileprivate func encoderContext() -> ChannelHandlerContext? {
        if context == nil { context = try? channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self) }
        return context
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

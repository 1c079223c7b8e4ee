import AWSCore
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing
@testable import SandboxServer

/// Fan-out frames are encoded by hand (to enter the pipeline below NIO's encoder as one buffer):
/// NIO's own decoder must read them back, at every length encoding.
@Suite struct FrameBatchTests {
    @Test(arguments: [0, 1, 125, 126, 127, 65_535, 65_536, 300_000])
    func encodedFramesDecodeAsSent(length: Int) throws {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
        let encoded = FrameBatch.encode(opcode: .binary, payload: payload, allocator: channel.allocator)
        try channel.writeInbound(encoded)
        let frame = try #require(try channel.readInbound(as: WebSocketFrame.self))
        #expect(frame.fin)
        #expect(frame.opcode == .binary)
        #expect(frame.maskKey == nil)
        #expect(Array(frame.unmaskedData.readableBytesView) == payload)
        #expect(try channel.readInbound(as: WebSocketFrame.self) == nil)
    }

    @Test func textFramesCarryUTF8() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder()))
        try channel.writeInbound(FrameBatch.encode(opcode: .text, payload: #"{"type":"ka","é":1}"#.utf8, allocator: channel.allocator))
        let frame = try #require(try channel.readInbound(as: WebSocketFrame.self))
        #expect(frame.opcode == .text)
        #expect(String(buffer: frame.unmaskedData) == #"{"type":"ka","é":1}"#)
    }

    /// Fan-out's `data` messages are written from parts (per-subscription head, shared payload).
    @Test(arguments: [10, 120, 70_000])
    func framesFromPartsDecodeAsTheJoinedText(payloadLength: Int) throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
        let head = #"{"id":"sub-é","type":"data","payload":"#, body = "\"" + String(repeating: "x", count: payloadLength) + "\"", tail = "}"
        let encoded = FrameBatch.encode(opcode: .text, length: head.utf8.count + body.utf8.count + tail.utf8.count, allocator: channel.allocator) {
            $0.writeString(head)
            $0.writeString(body)
            $0.writeString(tail)
        }
        try channel.writeInbound(encoded)
        let frame = try #require(try channel.readInbound(as: WebSocketFrame.self))
        #expect(frame.fin && frame.opcode == .text)
        #expect(String(buffer: frame.unmaskedData) == head + body + tail)
        #expect(WebSocketMessage.textParts(head: head, body: body, tail: tail).text == head + body + tail)
    }
}

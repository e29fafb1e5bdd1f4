public import NIOCore

/// Splits a byte stream into frames, after checking the connection preface.
///
/// A header announcing more than ``maxFrameSize`` payload bytes is refused as soon as the header
/// itself has arrived, so an oversized frame is never buffered. Payloads are slices of the
/// cumulation buffer: decoding copies nothing.
///
/// Use it as a channel handler through `ByteToMessageHandler(FrameDecoder(...))`, or call
/// ``next(from:)`` directly when there is no channel (tests, the fuzzer).
public struct FrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = Frame

    /// The largest payload accepted, in bytes: the `maxFrameSize` this side announced.
    /// Default: 4 MiB (4,194,304).
    public var maxFrameSize: Int
    private var awaitingPreface: Bool

    /// Creates a decoder.
    /// - Parameters:
    ///   - maxFrameSize: The largest payload accepted; default 4 MiB.
    ///   - expectPreface: Whether the stream starts with ``ConnectionPreface/bytes``; default `true`.
    public init(maxFrameSize: Int = 4 << 20, expectPreface: Bool = true) {
        self.maxFrameSize = maxFrameSize
        self.awaitingPreface = expectPreface
    }

    /// Takes the next complete frame from the front of `buffer`.
    /// - Returns: The frame, or `nil` when more bytes are needed.
    /// - Throws: ``FrameError`` for a wrong preface, an unknown version or kind, or an oversized frame.
    public mutating func next(from buffer: inout ByteBuffer) throws(FrameError) -> Frame? {
        if self.awaitingPreface {
            guard let magic = buffer.getBytes(at: buffer.readerIndex, length: ConnectionPreface.bytes.count) else {
                return nil
            }
            guard magic == ConnectionPreface.bytes else {
                throw FrameError(
                    code: .protocolError,
                    message: "connection preface missing: expected \(hex(ConnectionPreface.bytes)), received \(hex(magic))"
                )
            }
            buffer.moveReaderIndex(forwardBy: magic.count)
            self.awaitingPreface = false
        }
        guard let header = buffer.peekFrameHeader() else { return nil }
        guard header.version == FrameHeader.currentVersion else {
            throw FrameError(
                code: .protocolError,
                message: "unsupported protocol version (supported: \(FrameHeader.currentVersion), received: \(header.version))"
            )
        }
        guard header.kind.isKnown else {
            throw FrameError(code: .protocolError, message: "unknown frame kind 0x\(String(header.kind.rawValue, radix: 16))")
        }
        guard Int(header.length) <= self.maxFrameSize else {
            throw FrameError(
                code: .frameTooLarge,
                message: "frame exceeds the negotiated maximum (max: \(self.maxFrameSize), actual: \(header.length))"
            )
        }
        guard buffer.readableBytes >= FrameHeader.size + Int(header.length) else { return nil }
        buffer.moveReaderIndex(forwardBy: FrameHeader.size)
        let payload = buffer.readSlice(length: Int(header.length))!
        return Frame(kind: header.kind, flags: header.flags, streamID: header.streamID, payload: payload)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try self.next(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        try self.decode(context: context, buffer: &buffer)
    }
}

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { byte in
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }.joined(separator: " ")
}

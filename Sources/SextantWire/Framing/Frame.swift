public import NIOCore

/// One frame: its header fields and its payload.
public struct Frame: Sendable, Hashable {
    /// What the frame carries.
    public var kind: FrameKind
    /// Flag bits.
    public var flags: FrameFlags
    /// The stream the frame belongs to; 0 for the connection.
    public var streamID: UInt32
    /// The payload; a slice of the connection's read buffer when decoded, so nothing is copied.
    public var payload: ByteBuffer

    /// Creates a frame.
    public init(kind: FrameKind, flags: FrameFlags = [], streamID: UInt32, payload: ByteBuffer) {
        self.kind = kind
        self.flags = flags
        self.streamID = streamID
        self.payload = payload
    }
}

extension ByteBuffer {
    /// Writes a whole frame: header, then payload.
    /// - Returns: The number of bytes written.
    @discardableResult
    public mutating func writeFrame(_ frame: Frame) -> Int {
        var payload = frame.payload
        let header = FrameHeader(
            length: UInt32(payload.readableBytes),
            kind: frame.kind,
            flags: frame.flags,
            streamID: frame.streamID
        )
        return self.writeFrameHeader(header) + self.writeBuffer(&payload)
    }
}

public import NIOCore

/// The fixed 11-byte header in front of every frame.
///
/// ```
/// 0       4       5     6      7               11
/// +-------+-------+-----+------+---------------+
/// |length |version|kind |flags | stream id     |
/// | u32 BE|  u8   | u8  |  u8  |   u32 BE      |
/// +-------+-------+-----+------+---------------+
/// ```
/// `length` counts the payload only.
public struct FrameHeader: Hashable, Sendable {
    /// Bytes in the header.
    public static let size = 11
    /// The protocol version this implementation writes and accepts.
    public static let currentVersion: UInt8 = 1

    /// Payload bytes following the header.
    public var length: UInt32
    /// Protocol version; always ``currentVersion`` when written by this implementation.
    public var version: UInt8
    /// What the frame carries.
    public var kind: FrameKind
    /// Flag bits.
    public var flags: FrameFlags
    /// The stream the frame belongs to; 0 for the connection.
    public var streamID: UInt32

    /// Creates a header.
    public init(length: UInt32, version: UInt8 = FrameHeader.currentVersion, kind: FrameKind, flags: FrameFlags, streamID: UInt32) {
        self.length = length
        self.version = version
        self.kind = kind
        self.flags = flags
        self.streamID = streamID
    }
}

extension ByteBuffer {
    /// Writes a frame header.
    /// - Returns: The number of bytes written (``FrameHeader/size``).
    @discardableResult
    @inlinable
    public mutating func writeFrameHeader(_ header: FrameHeader) -> Int {
        self.writeMultipleIntegers(
            header.length,
            header.version,
            header.kind.rawValue,
            header.flags.rawValue,
            header.streamID
        )
    }

    /// Reads a frame header if at least ``FrameHeader/size`` bytes are readable.
    @inlinable
    public mutating func readFrameHeader() -> FrameHeader? {
        guard
            let (length, version, kind, flags, stream) = self.readMultipleIntegers(
                as: (UInt32, UInt8, UInt8, UInt8, UInt32).self
            )
        else { return nil }
        return FrameHeader(
            length: length,
            version: version,
            kind: FrameKind(rawValue: kind),
            flags: FrameFlags(rawValue: flags),
            streamID: stream
        )
    }

    /// Peeks at a frame header without moving the reader index.
    @inlinable
    public func peekFrameHeader() -> FrameHeader? {
        var copy = self
        return copy.readFrameHeader()
    }
}

public import NIOCore

/// The four bytes each side sends first, before its SETTINGS frame: "SXT" and the protocol
/// version, so that a peer speaking something else is told apart at once.
public enum ConnectionPreface {
    /// `0x53 0x58 0x54 0x01`.
    public static let bytes: [UInt8] = [0x53, 0x58, 0x54, FrameHeader.currentVersion]

    /// Writes the magic bytes followed by a SETTINGS frame.
    public static func write(settings: ConnectionSettings, into buffer: inout ByteBuffer) {
        buffer.writeBytes(Self.bytes)
        var payload = ByteBuffer()
        // Settings is a fixed, known-good value type: encoding cannot fail.
        try! WireEncoder().encode(settings, into: &payload)
        buffer.writeFrame(Frame(kind: .settings, streamID: 0, payload: payload))
    }
}

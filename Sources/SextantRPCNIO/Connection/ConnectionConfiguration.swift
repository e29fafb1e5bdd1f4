public import NIOCore
public import SextantRPC
public import SextantWire

/// Settings shared by both ends of a connection.
public struct ConnectionConfiguration: Sendable {
    /// What this side announces in its SETTINGS frame (max frame size, window, streams,
    /// compression). Default: ``ConnectionSettings/defaults``.
    public var settings: ConnectionSettings
    /// When to compress outgoing messages (if the peer supports zlib).
    /// Default: ``MessageCompression/Configuration/defaults`` (1 KiB threshold).
    public var compression: MessageCompression.Configuration
    /// Whether to compress outgoing messages at all. Default: `true`.
    public var compressionEnabled: Bool
    /// How long the connection may be silent before a PING is sent. Default: 30 s.
    public var keepaliveInterval: TimeAmount
    /// How long to wait for any frame after a PING before giving up. Default: 10 s.
    public var keepaliveTimeout: TimeAmount

    /// The defaults listed on each property.
    public static var defaults: ConnectionConfiguration {
        ConnectionConfiguration(
            settings: .defaults,
            compression: .defaults,
            compressionEnabled: true,
            keepaliveInterval: .seconds(30),
            keepaliveTimeout: .seconds(10)
        )
    }

    /// Creates a configuration.
    public init(
        settings: ConnectionSettings,
        compression: MessageCompression.Configuration,
        compressionEnabled: Bool,
        keepaliveInterval: TimeAmount,
        keepaliveTimeout: TimeAmount
    ) {
        self.settings = settings
        self.compression = compression
        self.compressionEnabled = compressionEnabled
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveTimeout = keepaliveTimeout
    }
}

/// What one connection knows about the peer once its SETTINGS arrived.
struct PeerSettings: Sendable {
    var maxFrameSize: Int
    var initialWindowSize: Int
    var acceptsZlib: Bool

    init(_ settings: ConnectionSettings) {
        self.maxFrameSize = Int(settings.maxFrameSize)
        self.initialWindowSize = Int(min(settings.initialWindowSize, UInt32(Int32.max)))
        self.acceptsZlib = settings.compression.contains("zlib")
    }
}

/// Prepares an outgoing message: checks the peer's size limit and compresses when worthwhile.
struct MessageSender: Sendable {
    let configuration: ConnectionConfiguration
    let peer: PeerSettings

    func prepare(_ message: ByteBuffer) throws -> (ByteBuffer, FrameFlags) {
        var prepared = (message, FrameFlags())
        if self.configuration.compressionEnabled, self.peer.acceptsZlib,
            message.readableBytes >= self.configuration.compression.threshold,
            let compressed = MessageCompression.compress(message, level: self.configuration.compression.level)
        {
            prepared = (compressed, .compressed)
        }
        // The peer refuses a frame over its limit and a message that inflates over it: check both.
        let largest = max(prepared.0.readableBytes, message.readableBytes)
        guard largest <= self.peer.maxFrameSize else {
            throw RPCError(
                code: .resourceExhausted,
                message: "message exceeds the peer's maximum message size (max: \(self.peer.maxFrameSize), actual: \(largest))"
            )
        }
        return prepared
    }
}

/// Reads a MESSAGE frame's payload, inflating it if it is compressed.
func messagePayload(of frame: Frame, maxMessageSize: Int, acceptsZlib: Bool) throws -> ByteBuffer {
    guard frame.flags.contains(.compressed) else { return frame.payload }
    guard acceptsZlib else {
        throw FrameError(code: .protocolError, message: "compressed MESSAGE received but zlib was not announced")
    }
    return try MessageCompression.decompress(frame.payload, limit: maxMessageSize)
}

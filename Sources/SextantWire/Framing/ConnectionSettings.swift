/// What one side of a connection tells the other in its SETTINGS frame.
///
/// Each field is optional on the wire; a missing one means its default, so later versions can
/// add settings without breaking older peers.
public struct ConnectionSettings: Codable, Hashable, Sendable {
    /// The largest frame payload the sender accepts. Default: 4 MiB (4,194,304); at least 16,384.
    public var maxFrameSize: UInt32
    /// Flow-control credit, in message payload bytes, the sender grants each new stream.
    /// Default: 1 MiB (1,048,576).
    public var initialWindowSize: UInt32
    /// How many streams the sender lets the peer have open at once. Default: 1,024.
    public var maxConcurrentStreams: UInt32
    /// Compression algorithms the sender can decode; only `"zlib"` is defined. Default when
    /// sending: `["zlib"]`; a SETTINGS frame without the field announces none, so nothing is
    /// compressed towards that peer.
    public var compression: [String]

    /// The smallest maximum frame size a peer may announce.
    public static let minimumMaxFrameSize: UInt32 = 16_384

    /// The defaults listed on each property.
    public static var defaults: ConnectionSettings {
        ConnectionSettings(maxFrameSize: 4 << 20, initialWindowSize: 1 << 20, maxConcurrentStreams: 1024, compression: ["zlib"])
    }

    /// The defaults, adjusted by `configure`.
    public static func defaults(_ configure: (inout ConnectionSettings) -> Void) -> ConnectionSettings {
        var settings = ConnectionSettings.defaults
        configure(&settings)
        return settings
    }

    /// Creates settings with explicit values.
    public init(maxFrameSize: UInt32, initialWindowSize: UInt32, maxConcurrentStreams: UInt32, compression: [String]) {
        self.maxFrameSize = maxFrameSize
        self.initialWindowSize = initialWindowSize
        self.maxConcurrentStreams = maxConcurrentStreams
        self.compression = compression
    }

    enum CodingKeys: Int, CodingKey {
        case maxFrameSize = 1
        case initialWindowSize = 2
        case maxConcurrentStreams = 3
        case compression = 4
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ConnectionSettings.defaults
        self.maxFrameSize = try container.decodeIfPresent(UInt32.self, forKey: .maxFrameSize) ?? defaults.maxFrameSize
        self.initialWindowSize =
            try container.decodeIfPresent(UInt32.self, forKey: .initialWindowSize) ?? defaults.initialWindowSize
        self.maxConcurrentStreams =
            try container.decodeIfPresent(UInt32.self, forKey: .maxConcurrentStreams) ?? defaults.maxConcurrentStreams
        self.compression = try container.decodeIfPresent([String].self, forKey: .compression) ?? []
        guard self.maxFrameSize >= Self.minimumMaxFrameSize else {
            throw DecodingError.dataCorruptedError(
                forKey: .maxFrameSize,
                in: container,
                debugDescription: "maxFrameSize \(self.maxFrameSize) is below the minimum \(Self.minimumMaxFrameSize)"
            )
        }
    }
}

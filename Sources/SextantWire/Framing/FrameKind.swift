/// What a frame carries. See `proto-spec/framing.md` for each kind's payload and rules.
public struct FrameKind: Hashable, Sendable, CustomStringConvertible {
    /// The byte written in the frame header.
    public let rawValue: UInt8

    /// Creates a kind from its header byte; unknown values are representable so the decoder can
    /// name them in its error.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// Connection settings (stream 0), sent in the preface.
    public static let settings = FrameKind(rawValue: 0x00)
    /// Opens a stream (client) or carries response metadata (server).
    public static let headers = FrameKind(rawValue: 0x01)
    /// One encoded message.
    public static let message = FrameKind(rawValue: 0x02)
    /// Ends a stream with a status code, message and trailing metadata (server to client).
    public static let status = FrameKind(rawValue: 0x03)
    /// The client abandons a call.
    public static let cancel = FrameKind(rawValue: 0x04)
    /// Liveness check (stream 0), 8 opaque bytes.
    public static let ping = FrameKind(rawValue: 0x05)
    /// Answer to a ping, echoing its 8 bytes.
    public static let pong = FrameKind(rawValue: 0x06)
    /// The sender will accept no new streams; existing ones up to a stream id still finish.
    public static let goAway = FrameKind(rawValue: 0x07)
    /// Returns flow-control credit for a stream.
    public static let windowUpdate = FrameKind(rawValue: 0x08)

    /// Whether this version of the protocol defines the kind.
    public var isKnown: Bool { self.rawValue <= 0x08 }

    public var description: String {
        switch self.rawValue {
        case 0x00: return "SETTINGS"
        case 0x01: return "HEADERS"
        case 0x02: return "MESSAGE"
        case 0x03: return "STATUS"
        case 0x04: return "CANCEL"
        case 0x05: return "PING"
        case 0x06: return "PONG"
        case 0x07: return "GOAWAY"
        case 0x08: return "WINDOW_UPDATE"
        default: return "UNKNOWN(0x\(String(self.rawValue, radix: 16)))"
        }
    }
}

/// Flag bits of a frame header. Unknown bits are ignored by receivers.
public struct FrameFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// On a client HEADERS or MESSAGE: the client sends nothing more on this stream.
    public static let endStream = FrameFlags(rawValue: 0x01)
    /// On a MESSAGE: the payload is a zlib stream (RFC 1950).
    public static let compressed = FrameFlags(rawValue: 0x02)
    /// On a MESSAGE with `endStream`: no message, only the half-close.
    public static let noMessage = FrameFlags(rawValue: 0x04)
}

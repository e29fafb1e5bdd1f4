/// The payload of a GOAWAY frame: the last stream the sender will still finish, and why it is
/// going away.
public struct GoAway: Codable, Hashable, Sendable {
    /// Why a connection is going away.
    public struct ErrorCode: Hashable, Sendable, CustomStringConvertible {
        /// The number on the wire.
        public let rawValue: UInt32

        /// Creates a code from its number; unknown numbers are kept as they are.
        public init(rawValue: UInt32) {
            self.rawValue = rawValue
        }

        /// A graceful shutdown.
        public static let noError = ErrorCode(rawValue: 0)
        /// The peer broke the framing rules.
        public static let protocolError = ErrorCode(rawValue: 1)
        /// A frame exceeded the receiver's maximum frame size.
        public static let frameTooLarge = ErrorCode(rawValue: 2)
        /// The peer sent more than its flow-control window allowed.
        public static let flowControlError = ErrorCode(rawValue: 3)
        /// The sender failed on its own.
        public static let internalError = ErrorCode(rawValue: 4)
        /// No answer to a keepalive ping in time.
        public static let keepaliveTimeout = ErrorCode(rawValue: 5)

        public var description: String {
            switch self.rawValue {
            case 0: return "NO_ERROR"
            case 1: return "PROTOCOL_ERROR"
            case 2: return "FRAME_TOO_LARGE"
            case 3: return "FLOW_CONTROL_ERROR"
            case 4: return "INTERNAL_ERROR"
            case 5: return "KEEPALIVE_TIMEOUT"
            default: return "ERROR(\(self.rawValue))"
            }
        }
    }

    /// Streams up to and including this id still complete; newer ones were not processed.
    public var lastStreamID: UInt32
    /// Why the connection is going away.
    public var errorCode: ErrorCode
    /// A human-readable explanation.
    public var message: String

    /// Creates a GOAWAY payload.
    public init(lastStreamID: UInt32, errorCode: ErrorCode, message: String) {
        self.lastStreamID = lastStreamID
        self.errorCode = errorCode
        self.message = message
    }

    enum CodingKeys: Int, CodingKey {
        case lastStreamID = 1
        case errorCode = 2
        case message = 3
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.lastStreamID = try container.decodeIfPresent(UInt32.self, forKey: .lastStreamID) ?? 0
        self.errorCode = ErrorCode(rawValue: try container.decodeIfPresent(UInt32.self, forKey: .errorCode) ?? 0)
        self.message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.lastStreamID, forKey: .lastStreamID)
        try container.encode(self.errorCode.rawValue, forKey: .errorCode)
        try container.encode(self.message, forKey: .message)
    }
}

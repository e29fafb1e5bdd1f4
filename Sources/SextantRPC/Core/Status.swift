/// The outcome of a call as it travels on the wire: a code and a message, `ok` included.
///
/// A failed call surfaces to Swift code as an ``RPCError``; `Status` is what the STATUS frame
/// carries. The codes and their numbers are gRPC's.
public struct Status: Sendable, Hashable, CustomStringConvertible {
    /// The status code.
    public var code: Code
    /// A human-readable explanation; empty for `ok`.
    public var message: String

    /// Creates a status.
    public init(code: Code, message: String = "") {
        self.code = code
        self.message = message
    }

    /// The successful status.
    public static let ok = Status(code: .ok)

    public var description: String {
        self.message.isEmpty ? "\(self.code)" : "\(self.code): \(self.message)"
    }

    /// A status code: gRPC's 17 codes with gRPC's numbers.
    ///
    /// A struct over a private enum, so codes can be added without breaking callers that switch.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: UInt8, CaseIterable {
            case ok = 0, cancelled, unknown, invalidArgument, deadlineExceeded, notFound, alreadyExists
            case permissionDenied, resourceExhausted, failedPrecondition, aborted, outOfRange
            case unimplemented, internalError, unavailable, dataLoss, unauthenticated
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// Creates a code from its number, or `nil` for a number outside 0...16.
        public init?(rawValue: Int) {
            guard let value = UInt8(exactly: rawValue), let wrapped = Wrapped(rawValue: value) else { return nil }
            self.wrapped = wrapped
        }

        /// The number on the wire.
        public var rawValue: Int { Int(self.wrapped.rawValue) }

        /// Success.
        public static let ok = Code(.ok)
        /// The call was cancelled, usually by the caller.
        public static let cancelled = Code(.cancelled)
        /// An error with no better code (and any error a handler throws that is not an `RPCError`).
        public static let unknown = Code(.unknown)
        /// The request is malformed, whatever the system's state.
        public static let invalidArgument = Code(.invalidArgument)
        /// The deadline passed before the call completed.
        public static let deadlineExceeded = Code(.deadlineExceeded)
        /// A requested entity does not exist.
        public static let notFound = Code(.notFound)
        /// The entity a call tried to create already exists.
        public static let alreadyExists = Code(.alreadyExists)
        /// The caller is authenticated but may not do this.
        public static let permissionDenied = Code(.permissionDenied)
        /// A limit was reached: a quota, a message size, the number of streams.
        public static let resourceExhausted = Code(.resourceExhausted)
        /// The system is not in a state where the call can run.
        public static let failedPrecondition = Code(.failedPrecondition)
        /// A concurrency conflict; the caller may retry at a higher level.
        public static let aborted = Code(.aborted)
        /// A value is past the valid range.
        public static let outOfRange = Code(.outOfRange)
        /// The method does not exist or is not implemented.
        public static let unimplemented = Code(.unimplemented)
        /// An invariant broke inside the server (or the client received something undecodable).
        public static let internalError = Code(.internalError)
        /// The service cannot be reached now; retrying may succeed.
        public static let unavailable = Code(.unavailable)
        /// Unrecoverable data loss or corruption.
        public static let dataLoss = Code(.dataLoss)
        /// The caller could not be authenticated.
        public static let unauthenticated = Code(.unauthenticated)

        /// Every code, in numeric order.
        public static var allCases: [Code] { Wrapped.allCases.map(Code.init) }

        public var description: String {
            switch self.wrapped {
            case .ok: return "ok"
            case .cancelled: return "cancelled"
            case .unknown: return "unknown"
            case .invalidArgument: return "invalidArgument"
            case .deadlineExceeded: return "deadlineExceeded"
            case .notFound: return "notFound"
            case .alreadyExists: return "alreadyExists"
            case .permissionDenied: return "permissionDenied"
            case .resourceExhausted: return "resourceExhausted"
            case .failedPrecondition: return "failedPrecondition"
            case .aborted: return "aborted"
            case .outOfRange: return "outOfRange"
            case .unimplemented: return "unimplemented"
            case .internalError: return "internalError"
            case .unavailable: return "unavailable"
            case .dataLoss: return "dataLoss"
            case .unauthenticated: return "unauthenticated"
            }
        }
    }
}

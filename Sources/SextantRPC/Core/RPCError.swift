/// A failed call: what a handler throws to choose its status, and what a caller catches.
///
/// ```swift
/// throw RPCError(code: .notFound, message: "no account 42")
/// ```
/// Any other error a handler throws leaves the server as `unknown` with a generic message, so
/// stack traces and customer data never reach a caller by accident (see ``RPCErrorConvertible``).
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status code; never `ok`.
    public var code: Status.Code
    /// A human-readable explanation.
    public var message: String
    /// Trailing metadata sent with the status.
    public var metadata: Metadata

    /// Creates an error.
    /// - Parameters:
    ///   - code: The status code; `ok` is replaced by `unknown`, since an error cannot succeed.
    ///   - message: What went wrong, with the limit and the value where there is one.
    ///   - metadata: Trailing metadata; default empty.
    public init(code: Status.Code, message: String, metadata: Metadata = [:]) {
        self.code = code == .ok ? .unknown : code
        self.message = message
        self.metadata = metadata
    }

    /// Creates an error from a non-ok status; `nil` for `ok`.
    public init?(status: Status, metadata: Metadata = [:]) {
        guard status.code != .ok else { return nil }
        self.init(code: status.code, message: status.message, metadata: metadata)
    }

    /// The status this error is sent as.
    public var status: Status { Status(code: self.code, message: self.message) }

    public var description: String { "\(self.code): \(self.message)" }
}

/// A domain error that knows which status it should leave the server as.
///
/// Conform service errors to it so that, say, a validation failure reaches the caller as
/// `invalidArgument` with its message instead of a generic `unknown`.
public protocol RPCErrorConvertible: Error {
    /// The error as it should be sent.
    var rpcError: RPCError { get }
}

extension RPCError: RPCErrorConvertible {
    public var rpcError: RPCError { self }
}

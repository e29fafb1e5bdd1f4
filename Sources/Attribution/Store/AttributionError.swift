public import SextantRPC

/// Why an attribution request failed as a whole.
public enum AttributionError: Error, Sendable, Hashable, RPCErrorConvertible, CustomStringConvertible {
    /// attribution-service has not seen the account in the ingest log (yet).
    case accountNotFound(UInt64)
    /// The request is malformed (the message says what).
    case invalid(String)

    public var description: String {
        switch self {
        case .accountNotFound(let id): "account \(id) does not exist"
        case .invalid(let message): "invalid request: \(message)"
        }
    }

    public var rpcError: RPCError {
        switch self {
        case .accountNotFound: RPCError(code: .notFound, message: self.description)
        case .invalid: RPCError(code: .invalidArgument, message: self.description)
        }
    }
}

public import SextantRPC

/// Why a billing request failed as a whole.
public enum BillingError: Error, Sendable, Hashable, RPCErrorConvertible, CustomStringConvertible {
    /// billing-service has not seen the account in the ingest log (yet).
    case accountNotFound(UInt64)
    /// The request is malformed or asks for something impossible (the message says what).
    case invalid(String)
    /// The request is well formed but the account's state does not allow it now.
    case failedPrecondition(String)

    public var description: String {
        switch self {
        case .accountNotFound(let id): "account \(id) does not exist"
        case .invalid(let message): "invalid request: \(message)"
        case .failedPrecondition(let message): message
        }
    }

    public var rpcError: RPCError {
        switch self {
        case .accountNotFound: RPCError(code: .notFound, message: self.description)
        case .invalid: RPCError(code: .invalidArgument, message: self.description)
        case .failedPrecondition: RPCError(code: .failedPrecondition, message: self.description)
        }
    }
}

public import SextantRPC

/// Why a key could not be created or revoked.
public enum APIKeyStoreError: Error, Sendable, Hashable, RPCErrorConvertible, CustomStringConvertible {
    /// The name is empty, blank or longer than 100 characters.
    case invalidName
    /// An operator key was given an account, or an account key none.
    case accountMismatch(role: String)
    /// No key has that id (in that account).
    case keyNotFound(String)

    public var description: String {
        switch self {
        case .invalidName: "name: must be 1 to 100 characters, not blank"
        case .accountMismatch(let role):
            role == "operator" ? "operator keys belong to no account: leave the account out" : "a \(role) key needs an account"
        case .keyNotFound(let id): "no key \(id)"
        }
    }

    public var rpcError: RPCError {
        switch self {
        case .invalidName, .accountMismatch: RPCError(code: .invalidArgument, message: self.description)
        case .keyNotFound: RPCError(code: .notFound, message: self.description)
        }
    }
}

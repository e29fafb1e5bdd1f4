public import SextantContracts
public import SextantRPC

/// Why an ingest request failed as a whole (per-event problems are ``EventOutcome``s instead).
public enum IngestError: Error, Sendable, Hashable, RPCErrorConvertible, CustomStringConvertible {
    case accountNotFound(UInt64)
    case profileNotFound(String)
    case eventNotFound(UInt64)
    case invalid([FieldError])
    case customMetricLimit(accountID: UInt64, limit: Int)
    case customMetricExists(String)
    /// The storage could not do the write or read (PostgreSQL unreachable, another writer, …);
    /// nothing of a failed write is stored.
    case storage(String)

    public var description: String {
        switch self {
        case .accountNotFound(let id): "account \(id) does not exist"
        case .profileNotFound(let what): "no profile \(what)"
        case .eventNotFound(let position): "no event \(position) in this account"
        case .invalid(let errors): "invalid request: " + errors.map(\.description).joined(separator: "; ")
        case .customMetricLimit(let account, let limit):
            "custom metric limit reached: account \(account) may define \(limit) custom metric\(limit == 1 ? "" : "s")"
                + (limit < CustomMetricLimit.limit(for: .marketingAnalytics)
                    ? "; the Marketing Analytics add-on allows \(CustomMetricLimit.limit(for: .marketingAnalytics))" : "")
        case .customMetricExists(let name): "a custom metric named \"\(name)\" already exists"
        case .storage(let reason): "storage unavailable: \(reason)"
        }
    }

    public var rpcError: RPCError {
        switch self {
        case .accountNotFound, .profileNotFound, .eventNotFound: RPCError(code: .notFound, message: self.description)
        case .invalid: RPCError(code: .invalidArgument, message: self.description)
        case .customMetricLimit: RPCError(code: .resourceExhausted, message: self.description)
        case .customMetricExists: RPCError(code: .alreadyExists, message: self.description)
        case .storage: RPCError(code: .unavailable, message: self.description)
        }
    }
}

/// How many custom metrics an account may define on each plan (1 without Marketing Analytics, 50
/// with it). In the suite, ingest-service asks billing-service's entitlements instead (they follow
/// plan changes); this is the rule when ingest runs on its own, and billing's `Entitlements` gives
/// the same numbers.
public enum CustomMetricLimit {
    public static func limit(for plan: Plan) -> Int {
        switch plan {
        case .email: 1
        case .marketingAnalytics: 50
        }
    }
}

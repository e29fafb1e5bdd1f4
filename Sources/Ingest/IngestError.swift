public import SextantContracts
public import SextantRPC

/// Why an ingest request failed as a whole (per-event problems are ``EventOutcome``s instead).
public enum IngestError: Error, Sendable, Hashable, RPCErrorConvertible, CustomStringConvertible {
    case accountNotFound(UInt64)
    case profileNotFound(String)
    case eventNotFound(UInt64)
    case invalid([FieldError])
    case customMetricLimit(accountID: UInt64, plan: Plan, limit: Int)
    case customMetricExists(String)

    public var description: String {
        switch self {
        case .accountNotFound(let id): "account \(id) does not exist"
        case .profileNotFound(let what): "no profile \(what)"
        case .eventNotFound(let position): "no event \(position) in this account"
        case .invalid(let errors): "invalid request: " + errors.map(\.description).joined(separator: "; ")
        case .customMetricLimit(let account, let plan, let limit):
            "custom metric limit reached: account \(account) on the \(plan == .email ? "email" : "Marketing Analytics") plan may define \(limit) custom metric\(limit == 1 ? "" : "s")"
                + (plan == .email ? "; Marketing Analytics allows \(CustomMetricLimit.limit(for: .marketingAnalytics))" : "")
        case .customMetricExists(let name): "a custom metric named \"\(name)\" already exists"
        }
    }

    public var rpcError: RPCError {
        switch self {
        case .accountNotFound, .profileNotFound, .eventNotFound: RPCError(code: .notFound, message: self.description)
        case .invalid: RPCError(code: .invalidArgument, message: self.description)
        case .customMetricLimit: RPCError(code: .resourceExhausted, message: self.description)
        case .customMetricExists: RPCError(code: .alreadyExists, message: self.description)
        }
    }
}

/// How many custom metrics an account may define. The only place that decides it: when
/// billing-service owns entitlements, this is the function that asks it.
public enum CustomMetricLimit {
    public static func limit(for plan: Plan) -> Int {
        switch plan {
        case .email: 1
        case .marketingAnalytics: 50
        }
    }
}

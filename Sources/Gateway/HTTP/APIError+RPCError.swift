import HTTPTypes
import SextantRPC

extension APIError {
    /// The one mapping from a downstream call's failure to what the HTTP client sees.
    ///
    /// | RPC status | HTTP | code |
    /// | --- | --- | --- |
    /// | invalidArgument, outOfRange | 400 | invalid_argument |
    /// | notFound | 404 | `notFound` (not_found, or account_not_found where the route says so) |
    /// | alreadyExists | 409 | already_exists |
    /// | resourceExhausted | 409 | limit_exceeded |
    /// | failedPrecondition, aborted | 409 | failed_precondition |
    /// | permissionDenied | 403 | forbidden |
    /// | unavailable, cancelled | 503 | service_unavailable |
    /// | deadlineExceeded | 504 | deadline_exceeded |
    /// | unimplemented | 501 | not_implemented |
    /// | anything else | 500 | internal |
    ///
    /// - Parameters:
    ///   - error: The failure.
    ///   - service: The downstream service's name, e.g. "ingest-service", for the message.
    ///   - notFound: The code a `notFound` becomes.
    static func fromRPC(_ error: RPCError, service: String, notFound: Code = .notFound) -> APIError {
        switch error.code {
        case .invalidArgument, .outOfRange:
            return APIError(.badRequest, .invalidArgument, error.message)
        case .notFound:
            return APIError(.notFound, notFound, error.message)
        case .alreadyExists:
            return APIError(.conflict, .alreadyExists, error.message)
        case .resourceExhausted:
            return APIError(.conflict, .limitExceeded, error.message)
        case .failedPrecondition, .aborted:
            return APIError(.conflict, .failedPrecondition, error.message)
        case .permissionDenied:
            return APIError(.forbidden, .forbidden, "\(service) refused the call: \(error.message)")
        case .unavailable, .cancelled:
            return APIError(.serviceUnavailable, .serviceUnavailable, "\(service) is unavailable: \(error.message)", service: service)
        case .deadlineExceeded:
            return APIError(.gatewayTimeout, .deadlineExceeded, "\(service) did not answer in time: \(error.message)", service: service)
        case .unimplemented:
            return APIError(.notImplemented, .notImplemented, "\(service) does not implement this call: \(error.message)", service: service)
        default:
            return APIError(.internalServerError, .internal, "\(service) failed: \(error.code)", service: service)
        }
    }
}

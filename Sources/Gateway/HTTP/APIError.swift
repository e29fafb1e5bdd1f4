public import HTTPTypes
public import SextantContracts
public import SextantWire

/// A failed HTTP request as the client sees it: a status, a stable snake_case ``Code``, a message
/// and, for validation failures, the offending fields.
///
/// Written as `{"error": {"code": "…", "message": "…", "details": [{"field": "…", "reason": "…"}]}}`.
/// Messages name limits and fields, never stored values (they may be customer data).
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code; clients switch on it. A struct over strings, so codes can be added.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { self.rawValue }

        /// The body is not JSON (or not valid UTF-8).
        public static let invalidJSON = Code(rawValue: "invalid_json")
        /// The body is JSON but a field is missing or wrong; `details` names them.
        public static let invalidArgument = Code(rawValue: "invalid_argument")
        /// No `Authorization: Bearer` key, or the key is unknown or revoked.
        public static let unauthorized = Code(rawValue: "unauthorized")
        /// The key's role may not do this.
        public static let forbidden = Code(rawValue: "forbidden")
        /// No such account, or not the key's account (the two are not told apart).
        public static let accountNotFound = Code(rawValue: "account_not_found")
        /// No such route, event, profile, key or invoice.
        public static let notFound = Code(rawValue: "not_found")
        /// Something with that name already exists (a custom metric).
        public static let alreadyExists = Code(rawValue: "already_exists")
        /// A plan limit was reached (custom metrics), or the plan does not include the feature.
        public static let limitExceeded = Code(rawValue: "limit_exceeded")
        /// The request cannot be done in the account's current state.
        public static let failedPrecondition = Code(rawValue: "failed_precondition")
        /// The body is over the route's limit (bytes or events).
        public static let payloadTooLarge = Code(rawValue: "payload_too_large")
        /// The account (or operator key) is over a rate limit; see `Retry-After`.
        public static let rateLimited = Code(rawValue: "rate_limited")
        /// A downstream service is down or not answering; the message names it.
        public static let serviceUnavailable = Code(rawValue: "service_unavailable")
        /// A downstream service did not answer within the gateway's deadline.
        public static let deadlineExceeded = Code(rawValue: "deadline_exceeded")
        /// A downstream service does not implement the call (an older version).
        public static let notImplemented = Code(rawValue: "not_implemented")
        /// The account's plan does not include the feature (predicted CLV needs Marketing Analytics).
        public static let planRequired = Code(rawValue: "plan_required")
        /// Anything else; the details are in the gateway's log, not in the response.
        public static let `internal` = Code(rawValue: "internal")
    }

    public var status: HTTPResponse.Status
    public var code: Code
    public var message: String
    /// Field paths and reasons, for `invalid_argument`.
    public var details: [FieldError]
    /// The downstream service concerned, for `service_unavailable` and `deadline_exceeded`.
    public var service: String?
    /// Extra response headers (`Retry-After`, `WWW-Authenticate`).
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, _ code: Code, _ message: String, details: [FieldError] = [], service: String? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.service = service
        self.headers = headers
    }

    public var description: String { "\(self.status.code) \(self.code): \(self.message)" }

    /// The response body.
    public var json: JSONValue {
        var error: [String: JSONValue] = ["code": .string(self.code.rawValue), "message": .string(self.message)]
        if !self.details.isEmpty {
            error["details"] = .array(self.details.map { .object(["field": .string($0.field), "reason": .string($0.reason)]) })
        }
        if let service { error["service"] = .string(service) }
        return .object(["error": .object(error)])
    }

    static func invalidArgument(field: String, reason: String) -> APIError {
        APIError(.badRequest, .invalidArgument, "invalid request: \(field) \(reason)", details: [FieldError(field: field, reason: reason)])
    }

    static func invalidArgument(_ errors: [FieldError]) -> APIError {
        APIError(.badRequest, .invalidArgument, "invalid request: " + errors.map(\.description).joined(separator: "; "), details: errors)
    }

    static func invalidJSON(_ reason: String) -> APIError {
        APIError(.badRequest, .invalidJSON, "the request body is not valid JSON: \(reason)")
    }

    static var unauthorized: APIError {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = "Bearer realm=\"sextant\""
        return APIError(
            .unauthorized, .unauthorized, "a valid API key is required: send Authorization: Bearer <key>", headers: headers)
    }

    static func accountNotFound(_ text: String) -> APIError {
        APIError(.notFound, .accountNotFound, "account \(text) does not exist")
    }

    static func notFound(_ message: String) -> APIError {
        APIError(.notFound, .notFound, message)
    }

    static func payloadTooLarge(_ message: String) -> APIError {
        APIError(.contentTooLarge, .payloadTooLarge, message)
    }

    static var `internal`: APIError {
        APIError(.internalServerError, .internal, "internal error")
    }
}

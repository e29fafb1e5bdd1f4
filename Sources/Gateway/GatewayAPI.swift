public import Hummingbird
import HTTPTypes
import Foundation
public import Logging
import SextantContracts
import SextantWire

/// The gateway's HTTP/JSON API under `/api/v1`: API keys, accounts, events, profiles, custom
/// metrics, billing, health and readiness, and the OpenAPI document that describes them.
///
/// ```swift
/// let api = GatewayAPI(keys: store, backends: backends, limiter: RateLimiter())
/// let app = Application(router: api.router(), configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
/// Every route comes from one table (``routes``): the router registers it and the OpenAPI
/// document lists it. proto-spec/gateway.md describes the API.
public struct GatewayAPI: Sendable {
    public static let basePath = "/api/v1"

    public var keys: any APIKeyStorage
    public var backends: GatewayBackends
    public var limiter: RateLimiter
    public var configuration: GatewayConfiguration
    var logger: Logger

    public init(
        keys: any APIKeyStorage, backends: GatewayBackends, limiter: RateLimiter = RateLimiter(),
        configuration: GatewayConfiguration = .defaults, logger: Logger = Logger(label: "sextant.gateway.http")
    ) {
        self.keys = keys
        self.backends = backends
        self.limiter = limiter
        self.configuration = configuration
        self.logger = logger
    }

    /// A router serving every route of ``routes``, with JSON errors for everything else.
    public func router() -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        StatusPage.register(on: router)
        CustomerHubPage.register(on: router)
        CLVPage.register(on: router)
        for route in self.routes {
            let api = self
            router.on(RouterPath(route.routerPath), method: route.method) { request, context in
                await api.respond(to: request, context: context, route: route)
            }
        }
        return router
    }

    /// Authenticates, rate-limits and authorizes, runs the handler, and writes the JSON answer
    /// (or error) with the rate-limit headers.
    ///
    /// Order: a missing or invalid key is 401; then the request counts against the client's
    /// limits (429 past them); then a key of another account gets 404 `account_not_found`
    /// (whatever its role, so that a key never learns whether another account exists); then a
    /// role the route does not allow gets 403 `forbidden`.
    func respond(to request: Request, context: GatewayRequestContext, route: APIRoute) async -> Response {
        var call = RouteCall(request: request, context: context, route: route, key: nil, accountID: 0)
        var rateHeaders = HTTPFields()
        do {
            if case .roles(let roles) = route.access {
                let key = try await self.authenticate(request)
                call.key = key
                let decision = self.limiter.admit(key.accountID.map { "account:\($0)" } ?? "key:\(key.id)")
                rateHeaders = Self.headers(for: decision)
                if !decision.allowed {
                    let retry = decision.retryAfterSeconds ?? 1
                    var headers = HTTPFields()
                    headers[.retryAfter] = "\(retry)"
                    throw APIError(
                        .tooManyRequests, .rateLimited,
                        "rate limit reached: at most \(decision.limit) requests in this window; retry in \(retry) s", headers: headers)
                }
                if route.isAccountScoped {
                    let text = call.parameter("accountID")
                    guard let accountID = UInt64(text), key.accountID == nil || key.accountID == accountID else {
                        throw APIError.accountNotFound(text)
                    }
                    call.accountID = accountID
                }
                guard roles.contains(key.role) else {
                    throw APIError(.forbidden, .forbidden, "a \(key.role.name) key may not \(route.summary.prefix(1).lowercased() + route.summary.dropFirst())")
                }
            }
            let answer = try await route.handler(call)
            return JSONBody.response(answer.status, answer.body, headers: rateHeaders)
        } catch {
            var failure = self.apiError(for: error, route: route)
            failure.headers.append(contentsOf: rateHeaders)
            if failure.status.code >= 500 {
                self.logger.warning("request failed", metadata: ["route": "\(route.operationID)", "error": "\(failure)"])
            }
            return failure.response
        }
    }

    /// The valid key in `Authorization: Bearer <secret>`.
    func authenticate(_ request: Request) async throws(APIError) -> KeyInfo {
        guard let header = request.headers[.authorization] else { throw APIError.unauthorized }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthorized }
        let key: KeyInfo?
        do {
            key = try await self.keys.authenticate(secret: String(parts[1]).trimmingCharacters(in: .whitespaces))
        } catch {
            self.logger.error("key store read failed", metadata: ["error-type": "\(type(of: error))"])
            throw APIError.internal
        }
        guard let key else { throw APIError.unauthorized }
        return key
    }

    func apiError(for error: any Error, route: APIRoute) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as APIKeyStoreError:
            switch error {
            case .invalidName: return APIError.invalidArgument(field: "name", reason: "must be 1 to 100 characters, not blank")
            case .accountMismatch: return APIError.invalidArgument(field: "role", reason: error.description)
            case .keyNotFound(let id): return APIError.notFound("no key \(id) in this account")
            }
        default:
            self.logger.error("handler failed", metadata: ["route": "\(route.operationID)", "error-type": "\(type(of: error))"])
            return APIError.internal
        }
    }

    static func headers(for decision: RateLimitState.Decision) -> HTTPFields {
        var headers = HTTPFields()
        headers[.rateLimitLimit] = "\(decision.limit)"
        headers[.rateLimitRemaining] = "\(decision.remaining)"
        headers[.rateLimitReset] = "\(decision.resetSeconds)"
        return headers
    }
}

extension HTTPField.Name {
    static let rateLimitLimit = HTTPField.Name("RateLimit-Limit")!
    static let rateLimitRemaining = HTTPField.Name("RateLimit-Remaining")!
    static let rateLimitReset = HTTPField.Name("RateLimit-Reset")!
}

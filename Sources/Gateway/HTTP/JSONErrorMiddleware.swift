import HTTPTypes
import Logging
import Hummingbird

/// Turns whatever escapes a route into the JSON error format: unrouted paths and methods
/// (`404 not_found`, "no route for GET /x"), Hummingbird's own HTTP errors, and anything
/// unexpected (`500 internal`, details only in the log).
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let error as HTTPError {
            if error.status == .notFound {
                return APIError.notFound("no route for \(request.method.rawValue) \(request.uri.path)").response
            }
            if error.status == .contentTooLarge {
                return APIError.payloadTooLarge("the request body is too large").response
            }
            return APIError(error.status, error.status.code < 500 ? .invalidArgument : .internal, error.body ?? error.status.reasonPhrase).response
        } catch {
            context.logger.error("request failed", metadata: ["error-type": "\(type(of: error))", "path": "\(request.uri.path)"])
            return APIError.internal.response
        }
    }
}

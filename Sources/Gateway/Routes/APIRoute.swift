import Logging
import Foundation
public import HTTPTypes
public import SextantContracts

/// One route of the HTTP API: everything the router registers and the OpenAPI document shows,
/// in one value, so the two cannot drift apart. ``GatewayAPI/routes`` is the table.
public struct APIRoute: Sendable {
    /// Who may call a route.
    public enum Access: Sendable, Hashable {
        /// No key (health, readiness, the OpenAPI document).
        case open
        /// A valid key of one of these roles.
        case roles(Set<APIKeyRole>)
    }

    /// A query parameter, for the document.
    public struct QueryParameter: Sendable, Hashable {
        public var name: String
        public var description: String
        /// "string", "integer".
        public var type: String
        public var required: Bool
    }

    public var method: HTTPRequest.Method
    /// The path in OpenAPI form, e.g. "/api/v1/accounts/{accountID}/keys/{keyID}".
    public var path: String
    public var operationID: String
    public var summary: String
    /// The OpenAPI tag (group), e.g. "events".
    public var tag: String
    public var access: Access
    public var query: [QueryParameter]
    /// The request body's schema name in the document; nil without a body.
    public var requestSchema: String?
    /// The success response's schema name.
    public var responseSchema: String
    /// The status of a success.
    public var successStatus: HTTPResponse.Status
    /// The body limit, in bytes, for routes with a body.
    public var maximumBodyBytes: Int
    let handler: @Sendable (RouteCall) async throws -> APIResponse

    /// Whether the path names an account (`{accountID}`): such routes are only for keys of that
    /// account (and for operator keys where the role allows).
    public var isAccountScoped: Bool { self.path.contains("{accountID}") }

    /// The names of the path's `{parameters}`, in order.
    public var pathParameters: [String] {
        self.path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }

    /// The path as Hummingbird's router writes it (`:accountID`).
    var routerPath: String {
        self.path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : String(segment)
        }.joined(separator: "/")
    }

    /// The roles allowed; empty for open routes.
    public var roles: Set<APIKeyRole> {
        if case .roles(let roles) = self.access { return roles }
        return []
    }
}

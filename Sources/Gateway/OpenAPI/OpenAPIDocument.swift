import Logging
import Foundation
import HTTPTypes
import SextantContracts
public import SextantWire

extension GatewayAPI {
    /// The OpenAPI 3.1 document of ``routes``, served at `GET /api/v1/openapi.json`.
    ///
    /// Built from the route table the router registers, so a route cannot exist undocumented.
    /// Each operation lists its roles in `x-sextant-roles`.
    public func openAPIDocument() -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for route in self.routes {
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = Self.operation(route)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("Sextant gateway API"),
                "version": .string("1"),
                "description": .string(
                    "Sextant's HTTP/JSON admin API. Authenticate with `Authorization: Bearer <API key>`. "
                        + "Errors are `{\"error\": {\"code\", \"message\", \"details\"}}` with stable codes. "
                        + "Rate limits are reported in RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset."),
            ]),
            "servers": .array([.object(["url": .string("/")])]),
            "paths": .object(paths.mapValues { .object($0) }),
            "components": .object([
                "schemas": .object(OpenAPISchemas.all),
                "securitySchemes": .object(["apiKey": .object(["type": .string("http"), "scheme": .string("bearer")])]),
                "responses": .object(Self.errorResponses),
            ]),
        ])
    }

    static let errorStatuses: [(code: String, description: String)] = [
        ("400", "Invalid JSON or arguments (invalid_json, invalid_argument)"),
        ("401", "Missing, unknown or revoked API key (unauthorized)"),
        ("403", "The key's role may not do this (forbidden)"),
        ("404", "No such account, or not the key's account (account_not_found); no such item (not_found)"),
        ("409", "already_exists, limit_exceeded, failed_precondition"),
        ("413", "The body is over the route's limit (payload_too_large)"),
        ("429", "Over the rate limit (rate_limited); see Retry-After"),
        ("500", "internal"),
        ("503", "A downstream service is unavailable (service_unavailable)"),
        ("504", "A downstream service did not answer in time (deadline_exceeded)"),
    ]

    static var errorResponses: [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: Self.errorStatuses.map { status in
            ("E\(status.code)", .object([
                "description": .string(status.description),
                "content": .object(["application/json": .object(["schema": OpenAPISchemas.ref("Error")])]),
            ]))
        })
    }

    static func operation(_ route: APIRoute) -> JSONValue {
        var parameters: [JSONValue] = route.pathParameters.map { name in
            .object([
                "name": .string(name), "in": .string("path"), "required": .bool(true),
                "schema": .object(["type": .string(name == "accountID" || name == "position" || name == "profileID" ? "integer" : "string")]),
            ])
        }
        parameters += route.query.map { parameter in
            .object([
                "name": .string(parameter.name), "in": .string("query"), "required": .bool(parameter.required),
                "description": .string(parameter.description), "schema": .object(["type": .string(parameter.type)]),
            ])
        }
        var responses: [String: JSONValue] = [
            "\(route.successStatus.code)": .object([
                "description": .string(route.successStatus.reasonPhrase),
                "content": .object(["application/json": .object(["schema": OpenAPISchemas.ref(route.responseSchema)])]),
            ])
        ]
        let errors: [String]
        if route.access == .open {
            errors = route.operationID == "getReadiness" ? ["503"] : []
        } else {
            var list = ["400", "401", "403", "404", "429", "500", "503", "504"]
            if route.requestSchema != nil { list += ["409", "413"] } else if route.method != .get { list.append("409") }
            errors = list
        }
        for code in errors where responses[code] == nil {
            responses[code] = .object(["$ref": .string("#/components/responses/E\(code)")])
        }
        var operation: [String: JSONValue] = [
            "operationId": .string(route.operationID),
            "summary": .string(route.summary),
            "tags": .array([.string(route.tag)]),
            "parameters": .array(parameters),
            "responses": .object(responses),
            "x-sextant-roles": .strings(route.roles.map(\.name).sorted()),
            "security": route.access == .open ? .array([]) : .array([.object(["apiKey": .array([])])]),
        ]
        if let request = route.requestSchema {
            operation["requestBody"] = .object([
                "required": .bool(true),
                "content": .object(["application/json": .object(["schema": OpenAPISchemas.ref(request)])]),
            ])
        }
        return .object(operation)
    }
}

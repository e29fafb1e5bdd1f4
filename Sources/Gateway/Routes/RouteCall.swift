import Logging
import HTTPTypes
import Foundation
import Hummingbird
import NIOCore
import SextantContracts
import SextantWire

/// What a route's handler gets: the request, the authenticated key (nil on open routes) and,
/// on account routes, the account id from the path (already checked against the key).
struct RouteCall: Sendable {
    var request: Request
    var context: GatewayRequestContext
    var route: APIRoute
    var key: KeyInfo?
    var accountID: UInt64

    /// A path parameter as text.
    func parameter(_ name: String) -> String {
        self.context.parameters.get(name) ?? ""
    }

    /// A path parameter that must be a positive integer (an event position, a profile id).
    func positiveIntegerParameter(_ name: String) throws(APIError) -> UInt64 {
        guard let value = UInt64(self.parameter(name)), value > 0 else {
            throw APIError.invalidArgument(field: name, reason: "must be a positive whole number")
        }
        return value
    }

    /// A query parameter, nil when absent or empty.
    func query(_ name: String) -> String? {
        guard let value = self.request.uri.queryParameters[Substring(name)], !value.isEmpty else { return nil }
        return String(value)
    }

    /// The body parsed as JSON, refused with 413 past the route's limit.
    func json() async throws(APIError) -> JSONValue {
        let limit = self.route.maximumBodyBytes
        if let length = self.request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError.payloadTooLarge("the request body is \(length) bytes; this route accepts at most \(limit)")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await self.request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge("the request body is over this route's limit of \(limit) bytes")
        } catch {
            throw APIError.invalidJSON("the body could not be read")
        }
        return try JSONBody.decode(buffer)
    }

    /// The body as a JSON object.
    func object() async throws(APIError) -> JSONObjectReader {
        try JSONObjectReader(try await self.json())
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SextantWire

/// A successful answer of a route: a status and a JSON body.
struct APIResponse: Sendable {
    var status: HTTPResponse.Status
    var body: JSONValue

    init(_ status: HTTPResponse.Status = .ok, _ body: JSONValue) {
        self.status = status
        self.body = body
    }
}

/// JSON in and out. Numbers stay exact `Decimal`s both ways; keys are written sorted, so equal
/// values give equal bytes.
enum JSONBody {
    static func encode(_ value: JSONValue) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // JSONValue holds only strings, numbers, booleans, null, arrays and objects: encoding cannot fail.
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        return ByteBuffer(bytes: data)
    }

    static func decode(_ buffer: ByteBuffer) throws(APIError) -> JSONValue {
        guard buffer.readableBytes > 0 else { throw APIError.invalidJSON("the body is empty") }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError.invalidJSON("it could not be parsed")
        }
    }

    static func response(_ status: HTTPResponse.Status, _ body: JSONValue, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: Self.encode(body)))
    }
}

extension APIError {
    var response: Response {
        JSONBody.response(self.status, self.json, headers: self.headers)
    }
}

public import NIOCore
import SextantWire

/// Sends typed messages on a stream: each is encoded with the wire encoder and handed to the
/// transport, which waits when the receiver's flow-control window is exhausted.
public struct RPCWriter<Message: Encodable & Sendable>: Sendable {
    private let send: @Sendable (ByteBuffer) async throws -> Void

    /// Creates a writer over a raw sending function.
    public init(_ send: @escaping @Sendable (ByteBuffer) async throws -> Void) {
        self.send = send
    }

    /// Sends one message.
    /// - Throws: `RPCError` when the message does not encode or the call is gone.
    public func write(_ message: Message) async throws {
        try await self.send(try MessageCoding.encode(message))
    }

    /// Sends each message in turn.
    public func write(contentsOf messages: some Sequence<Message>) async throws {
        for message in messages { try await self.write(message) }
    }
}

/// Encoding and decoding of call messages, with failures turned into `RPCError`s.
package enum MessageCoding {
    package static func encode<T: Encodable>(_ message: T) throws -> ByteBuffer {
        do {
            let bytes = try WireEncoder().encode(message)
            return ByteBuffer(bytes: bytes)
        } catch {
            throw RPCError(code: .internalError, message: "message of type \(T.self) does not encode: \(error)")
        }
    }

    package static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer, failure: Status.Code) throws -> T {
        do {
            return try WireDecoder().decode(type, from: buffer)
        } catch let error as DecodingError {
            throw RPCError(code: failure, message: "message does not decode as \(T.self): \(describe(error))")
        } catch {
            throw RPCError(code: failure, message: "message does not decode as \(T.self)")
        }
    }

    /// A decoding error as one line: the coding path and the reason, no payload bytes.
    package static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "top level" : keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context.codingPath))"
        case .keyNotFound(let key, let context):
            return "missing field \(key.intValue.map(String.init) ?? key.stringValue) at \(path(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(context.debugDescription) at \(path(context.codingPath))"
        @unknown default:
            return "\(error)"
        }
    }
}

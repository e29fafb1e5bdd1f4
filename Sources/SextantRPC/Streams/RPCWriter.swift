public import NIOCore
import SextantWire

/// Sends typed messages on a stream: each is encoded with the wire encoder and handed to the
/// transport, which waits when the receiver's flow-control window is exhausted.
public struct RPCWriter<Message: Encodable & Sendable>: Sendable {
    private let send: @Sendable (ByteBuffer) async throws -> Void
    private let sendBatch: (@Sendable ([ByteBuffer]) async throws -> Void)?

    /// Creates a writer over raw sending functions.
    /// - Parameters:
    ///   - send: Sends one encoded message.
    ///   - sendBatch: Sends several encoded messages in one hand-off; `nil` to send them one by one.
    public init(
        _ send: @escaping @Sendable (ByteBuffer) async throws -> Void,
        sendBatch: (@Sendable ([ByteBuffer]) async throws -> Void)? = nil
    ) {
        self.send = send
        self.sendBatch = sendBatch
    }

    /// Sends one message.
    /// - Throws: `RPCError` when the message does not encode or the call is gone.
    public func write(_ message: Message) async throws {
        try await self.send(try MessageCoding.encode(message))
    }

    /// Sends messages as one batch where the transport supports it (a client stream over the
    /// NIO transport does: one flow-control reservation, one hand-off to the event loop), which
    /// is how bulk imports should write.
    public func write(contentsOf messages: some Sequence<Message>) async throws {
        guard let sendBatch = self.sendBatch else {
            for message in messages { try await self.write(message) }
            return
        }
        try await sendBatch(try messages.map { try MessageCoding.encode($0) })
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

import NIOCore

/// Typed messages read from an ``RPCInboundStream``: the requests a streaming handler receives,
/// or the responses a streaming caller reads.
///
/// Iterate it once. It ends when the sender finishes; it throws `RPCError` when the call fails
/// or a message does not decode.
public struct RPCMessageStream<Message: Decodable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = Message

    private let inbound: RPCInboundStream
    private let decodeFailure: Status.Code

    /// Creates a typed view of `inbound`.
    /// - Parameters:
    ///   - inbound: The raw stream.
    ///   - decodeFailure: The code for a message that does not decode: `invalidArgument` on a
    ///     server, `internalError` on a client.
    public init(inbound: RPCInboundStream, decodeFailure: Status.Code) {
        self.inbound = inbound
        self.decodeFailure = decodeFailure
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(inbound: self.inbound, decodeFailure: self.decodeFailure)
    }

    /// Reads buffered batches from the inbound stream and decodes one message at a time.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let inbound: RPCInboundStream
        private let decodeFailure: Status.Code
        private var batch: [ByteBuffer] = []
        private var index = 0
        private var end: RPCInboundStream.End?

        init(inbound: RPCInboundStream, decodeFailure: Status.Code) {
            self.inbound = inbound
            self.decodeFailure = decodeFailure
        }

        public mutating func next() async throws -> Message? {
            while self.index >= self.batch.count {
                if let end = self.end {
                    switch end {
                    case .finished(let status, let trailers):
                        if let status, let error = RPCError(status: status, metadata: trailers) { throw error }
                        return nil
                    case .failed(let error):
                        throw error
                    }
                }
                let (messages, end) = await self.inbound.nextBatch()
                self.batch = messages
                self.index = 0
                self.end = end
            }
            let buffer = self.batch[self.index]
            self.index += 1
            return try MessageCoding.decode(Message.self, from: buffer, failure: self.decodeFailure)
        }
    }
}

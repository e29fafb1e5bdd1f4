import NIOCore

/// Makes typed calls over a ``ClientTransport``.
///
/// ```swift
/// let client = RPCClient(transport: connection)
/// let reply = try await client.unary(Echo.get, EchoRequest(text: "hi"), options: .init(timeout: .seconds(1)))
/// ```
/// Cancelling the calling task cancels the call (the server's handler is cancelled too); a
/// deadline from ``CallOptions/timeout`` is sent to the server and enforced locally.
public struct RPCClient: Sendable {
    /// The transport calls go through.
    public let transport: any ClientTransport

    /// Creates a client.
    public init(transport: any ClientTransport) {
        self.transport = transport
    }

    private func head<I, O>(_ method: RPCMethod<I, O>, _ options: CallOptions) -> ClientCallHead {
        ClientCallHead(
            method: method.descriptor,
            deadline: options.timeout.map { ContinuousClock.now + $0 },
            metadata: options.metadata
        )
    }

    /// Runs `body` with the stream; cancelling the calling task cancels the call.
    private func withStream<R>(
        _ head: ClientCallHead,
        firstMessage: ByteBuffer?,
        endStream: Bool,
        _ body: (ClientStream) async throws -> R
    ) async throws -> R {
        let stream = try await self.transport.openStream(head, firstMessage: firstMessage, endStream: endStream)
        return try await withTaskCancellationHandler {
            do {
                return try await body(stream)
            } catch {
                // The caller stopped early or failed: the server need not keep working.
                if !stream.inbound.hasEnded { stream.writer.cancel() }
                throw error
            }
        } onCancel: {
            stream.writer.cancel()
        }
    }

    /// One request, one response.
    /// - Throws: `RPCError` with the call's status when it is not `ok`.
    public func unary<I, O>(_ method: RPCMethod<I, O>, _ request: I, options: CallOptions = .defaults) async throws -> O {
        let payload = try MessageCoding.encode(request)
        return try await self.withStream(self.head(method, options), firstMessage: payload, endStream: true) { stream in
            try await Self.singleResponse(O.self, from: stream.inbound)
        }
    }

    /// One request, a stream of responses read by `body`.
    public func serverStreaming<I, O, R: Sendable>(
        _ method: RPCMethod<I, O>,
        _ request: I,
        options: CallOptions = .defaults,
        _ body: (RPCMessageStream<O>) async throws -> R
    ) async throws -> R {
        let payload = try MessageCoding.encode(request)
        return try await self.withStream(self.head(method, options), firstMessage: payload, endStream: true) { stream in
            let result = try await body(RPCMessageStream<O>(inbound: stream.inbound, decodeFailure: .internalError))
            try await Self.finishReading(stream)
            return result
        }
    }

    /// Requests written by `requests`, one response.
    public func clientStreaming<I, O>(
        _ method: RPCMethod<I, O>,
        options: CallOptions = .defaults,
        requests: (RPCWriter<I>) async throws -> Void
    ) async throws -> O {
        try await self.withStream(self.head(method, options), firstMessage: nil, endStream: false) { stream in
            let writer = stream.writer
            do {
                try await requests(RPCWriter({ try await writer.write($0) }, sendBatch: { try await writer.write(contentsOf: $0) }))
            } catch let error as RPCError where stream.inbound.hasEnded {
                // The server ended the call while we were writing: its status explains why.
                _ = error
            }
            writer.finish()
            return try await Self.singleResponse(O.self, from: stream.inbound)
        }
    }

    /// Requests written by `requests` while `responses` reads the replies, both at once.
    public func bidirectional<I, O, R: Sendable>(
        _ method: RPCMethod<I, O>,
        options: CallOptions = .defaults,
        requests: @escaping @Sendable (RPCWriter<I>) async throws -> Void,
        responses: (RPCMessageStream<O>) async throws -> R
    ) async throws -> R {
        try await self.withStream(self.head(method, options), firstMessage: nil, endStream: false) { stream in
            let writer = stream.writer
            let sending = Task {
                try await requests(RPCWriter({ try await writer.write($0) }, sendBatch: { try await writer.write(contentsOf: $0) }))
                writer.finish()
            }
            do {
                let result = try await responses(RPCMessageStream<O>(inbound: stream.inbound, decodeFailure: .internalError))
                try await Self.finishReading(stream)
                try await sending.value
                return result
            } catch {
                sending.cancel()
                throw error
            }
        }
    }

    /// Reads exactly one response and an `ok` status.
    static func singleResponse<O: Decodable>(_ type: O.Type, from inbound: RPCInboundStream) async throws -> O {
        var received: [ByteBuffer] = []
        while true {
            let (messages, end) = await inbound.nextBatch()
            received.append(contentsOf: messages)
            guard let end else { continue }
            switch end {
            case .failed(let error):
                throw error
            case .finished(let status, let trailers):
                let status = status ?? Status(code: .internalError, message: "stream ended without a status")
                if let error = RPCError(status: status, metadata: trailers) { throw error }
                guard received.count == 1 else {
                    throw RPCError(code: .internalError, message: "expected exactly one response message, received \(received.count)")
                }
                return try MessageCoding.decode(type, from: received[0], failure: .internalError)
            }
        }
    }

    /// After the caller's reading body returns: a finished stream's status is checked; a stream
    /// still open means the caller stopped early, so the call is cancelled rather than awaited.
    static func finishReading(_ stream: ClientStream) async throws {
        if stream.inbound.hasEnded {
            try await Self.drainToStatus(stream.inbound)
        } else {
            stream.writer.cancel()
        }
    }

    /// Skips remaining responses and throws unless the status is `ok`.
    static func drainToStatus(_ inbound: RPCInboundStream) async throws {
        while true {
            let (_, end) = await inbound.nextBatch()
            guard let end else { continue }
            switch end {
            case .failed(let error): throw error
            case .finished(let status, let trailers):
                if let status, let error = RPCError(status: status, metadata: trailers) { throw error }
                return
            }
        }
    }
}

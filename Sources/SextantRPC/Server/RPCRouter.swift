import NIOCore

/// The methods a server answers, each with its handler.
///
/// ```swift
/// var router = RPCRouter()
/// router.register(Echo.get) { request, context in EchoResponse(text: request.text) }
/// ```
public struct RPCRouter: Sendable {
    /// One registered method, type-erased: how to run a call given its stream.
    struct Route: Sendable {
        var descriptor: MethodDescriptor
        var allowedCallers: CallerPolicy
        var run: @Sendable (ServerStream, ServerContext) async throws -> Void
    }

    private(set) var routes: [String: Route] = [:]

    /// Creates an empty router.
    public init() {}

    /// The full names of every registered method.
    public var methods: [String] { self.routes.keys.sorted() }

    private mutating func add<I, O>(_ method: RPCMethod<I, O>, _ run: @escaping @Sendable (ServerStream, ServerContext) async throws -> Void) {
        precondition(self.routes[method.descriptor.fullName] == nil, "\(method.descriptor) registered twice")
        self.routes[method.descriptor.fullName] = Route(
            descriptor: method.descriptor,
            allowedCallers: method.allowedCallers,
            run: run
        )
    }

    /// Registers a unary handler.
    public mutating func register<I, O>(
        _ method: RPCMethod<I, O>,
        unary handler: @escaping @Sendable (I, ServerContext) async throws -> O
    ) {
        self.add(method) { stream, context in
            let request = try await Self.singleRequest(I.self, from: stream.inbound)
            let response = try await handler(request, context)
            stream.writer.writeLast(try MessageCoding.encode(response), status: .ok, trailers: [:])
        }
    }

    /// Registers a server-streaming handler: one request, responses written to the writer.
    public mutating func register<I, O>(
        _ method: RPCMethod<I, O>,
        serverStreaming handler: @escaping @Sendable (I, RPCWriter<O>, ServerContext) async throws -> Void
    ) {
        self.add(method) { stream, context in
            let request = try await Self.singleRequest(I.self, from: stream.inbound)
            let writer = stream.writer
            try await handler(request, RPCWriter { try await writer.write($0) }, context)
            writer.finish(status: .ok, trailers: [:])
        }
    }

    /// Registers a client-streaming handler: requests as a sequence, one response.
    public mutating func register<I, O>(
        _ method: RPCMethod<I, O>,
        clientStreaming handler: @escaping @Sendable (RPCMessageStream<I>, ServerContext) async throws -> O
    ) {
        self.add(method) { stream, context in
            let requests = RPCMessageStream<I>(inbound: stream.inbound, decodeFailure: .invalidArgument)
            let response = try await handler(requests, context)
            stream.writer.writeLast(try MessageCoding.encode(response), status: .ok, trailers: [:])
        }
    }

    /// Registers a bidirectional handler.
    public mutating func register<I, O>(
        _ method: RPCMethod<I, O>,
        bidirectional handler: @escaping @Sendable (RPCMessageStream<I>, RPCWriter<O>, ServerContext) async throws -> Void
    ) {
        self.add(method) { stream, context in
            let requests = RPCMessageStream<I>(inbound: stream.inbound, decodeFailure: .invalidArgument)
            let writer = stream.writer
            try await handler(requests, RPCWriter { try await writer.write($0) }, context)
            writer.finish(status: .ok, trailers: [:])
        }
    }

    /// Reads exactly one request message and the end of the request stream.
    static func singleRequest<I: Decodable>(_ type: I.Type, from inbound: RPCInboundStream) async throws -> I {
        var received: [ByteBuffer] = []
        while true {
            let (messages, end) = await inbound.nextBatch()
            received.append(contentsOf: messages)
            guard received.count <= 1 else {
                throw RPCError(code: .internalError, message: "expected exactly one request message, received more")
            }
            guard let end else { continue }
            if case .failed(let error) = end { throw error }
            guard let message = received.first else {
                throw RPCError(code: .internalError, message: "expected exactly one request message, received none")
            }
            return try MessageCoding.decode(type, from: message, failure: .invalidArgument)
        }
    }
}

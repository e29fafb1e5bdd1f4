public import NIOCore

/// What a client sends to open a call.
public struct ClientCallHead: Sendable {
    /// The method.
    public var method: MethodDescriptor
    /// When the call must be finished; the transport sends the remaining time and also enforces
    /// it locally.
    public var deadline: ContinuousClock.Instant?
    /// Request metadata.
    public var metadata: Metadata

    /// Creates a call head.
    public init(method: MethodDescriptor, deadline: ContinuousClock.Instant?, metadata: Metadata) {
        self.method = method
        self.deadline = deadline
        self.metadata = metadata
    }
}

/// How a client sends one call's requests, implemented by each transport.
public protocol ClientStreamWriter: Sendable {
    /// Sends one request message, waiting while the server's flow-control window is exhausted.
    /// - Throws: `RPCError` when the call is gone.
    func write(_ message: ByteBuffer) async throws
    /// Sends several request messages at once (bulk ingest): one flow-control reservation and
    /// one hand-off to the transport for the whole batch.
    /// - Throws: `RPCError` when the call is gone.
    func write(contentsOf messages: [ByteBuffer]) async throws
    /// Half-closes: no more request messages.
    func finish()
    /// Abandons the call: the server cancels its handler; the inbound stream fails with `cancelled`.
    func cancel()
}

extension ClientStreamWriter {
    /// Sends the messages one by one; transports override it to batch.
    public func write(contentsOf messages: [ByteBuffer]) async throws {
        for message in messages { try await self.write(message) }
    }
}

/// An opened call: where requests go and where responses arrive.
public struct ClientStream: Sendable {
    /// Sends requests.
    public var writer: any ClientStreamWriter
    /// Response messages, then the status and trailers.
    public var inbound: RPCInboundStream

    /// Creates a stream.
    public init(writer: any ClientStreamWriter, inbound: RPCInboundStream) {
        self.writer = writer
        self.inbound = inbound
    }
}

/// Opens calls to one server. The NIO transport does it over mutual TLS; the in-process
/// transport in SextantTesting connects straight to an ``RPCServer``.
public protocol ClientTransport: Sendable {
    /// Opens a call.
    /// - Parameters:
    ///   - head: Method, deadline and metadata.
    ///   - firstMessage: A request message sent together with the headers, if any.
    ///   - endStream: Whether the client sends nothing after `firstMessage`.
    /// - Returns: The stream.
    /// - Throws: `RPCError` (`unavailable` when the server cannot be reached).
    func openStream(_ head: ClientCallHead, firstMessage: ByteBuffer?, endStream: Bool) async throws -> ClientStream
}

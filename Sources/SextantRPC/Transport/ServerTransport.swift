public import NIOCore

/// What a server transport knows about an incoming call before its handler runs.
public struct ServerCallHead: Sendable {
    /// `service/method` as the client sent it.
    public var method: String
    /// When the call must be finished, computed from the client's timeout on arrival.
    public var deadline: ContinuousClock.Instant?
    /// The request metadata.
    public var metadata: Metadata
    /// The caller's identity, from its certificate.
    public var caller: ServiceIdentity?

    /// Creates a call head.
    public init(method: String, deadline: ContinuousClock.Instant?, metadata: Metadata, caller: ServiceIdentity?) {
        self.method = method
        self.deadline = deadline
        self.metadata = metadata
        self.caller = caller
    }
}

/// How a server sends one call's response, implemented by each transport.
///
/// Implementations must be safe to call from any task; after ``finish(status:trailers:)`` further
/// calls are ignored.
public protocol ServerStreamWriter: Sendable {
    /// Sends response metadata; at most once, before the first message.
    func writeHeaders(_ metadata: Metadata)
    /// Sends one response message, waiting while the client's flow-control window is exhausted.
    /// - Throws: `RPCError` when the call is gone (cancelled, connection closed).
    func write(_ message: ByteBuffer) async throws
    /// Sends a last message and the status in one go (unary and client-streaming responses).
    func writeLast(_ message: ByteBuffer, status: Status, trailers: Metadata)
    /// Ends the call with `status`.
    func finish(status: Status, trailers: Metadata)
}

/// One accepted call, as a transport hands it to ``RPCServer/handle(_:)``.
public struct ServerStream: Sendable {
    /// Method, deadline, metadata and caller.
    public var head: ServerCallHead
    /// The request messages.
    public var inbound: RPCInboundStream
    /// Where the response goes.
    public var writer: any ServerStreamWriter

    /// Creates a stream.
    public init(head: ServerCallHead, inbound: RPCInboundStream, writer: any ServerStreamWriter) {
        self.head = head
        self.inbound = inbound
        self.writer = writer
    }
}

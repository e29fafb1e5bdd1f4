import NIOConcurrencyHelpers
public import NIOCore
public import SextantRPC

/// A client transport connected straight to an ``RPCServer`` in the same process: no socket, no
/// TLS, the same call semantics (deadlines, cancellation, flow control, statuses).
///
/// Service libraries test their handlers through it:
/// ```swift
/// let client = RPCClient(transport: InProcessTransport(server: server, caller: .gateway))
/// ```
public struct InProcessTransport: ClientTransport {
    /// The server calls go to.
    public let server: RPCServer
    /// The identity calls arrive with, as a certificate would prove it over the network.
    public let caller: ServiceIdentity?
    /// Flow-control credit each direction of a call starts with, in bytes. Default: 65,536.
    public var initialWindow: Int

    /// Creates a transport.
    /// - Parameters:
    ///   - server: The server calls go to.
    ///   - caller: The identity calls arrive with; `nil` for an unauthenticated caller.
    ///   - initialWindow: Flow-control credit per direction; default 64 KiB.
    public init(server: RPCServer, caller: ServiceIdentity?, initialWindow: Int = 65_536) {
        self.server = server
        self.caller = caller
        self.initialWindow = initialWindow
    }

    public func openStream(_ head: ClientCallHead, firstMessage: ByteBuffer?, endStream: Bool) async throws -> ClientStream {
        let toServerWindow = FlowWindow(initial: self.initialWindow)
        let toClientWindow = FlowWindow(initial: self.initialWindow)
        let serverInbound = RPCInboundStream(onConsumed: { toServerWindow.release($0) })
        let clientInbound = RPCInboundStream(onConsumed: { toClientWindow.release($0) })
        let call = InProcessCall(
            serverInbound: serverInbound,
            clientInbound: clientInbound,
            toServerWindow: toServerWindow,
            toClientWindow: toClientWindow
        )
        if let firstMessage {
            _ = toServerWindow.tryReserve(firstMessage.readableBytes)
            serverInbound.deliver(firstMessage, endStream: endStream)
        } else if endStream {
            serverInbound.finish()
        }
        let stream = ServerStream(
            head: ServerCallHead(method: head.method.fullName, deadline: head.deadline, metadata: head.metadata, caller: self.caller),
            inbound: serverInbound,
            writer: InProcessServerWriter(call: call)
        )
        let server = self.server
        call.start(handler: Task { await server.handle(stream) }, deadline: head.deadline)
        return ClientStream(writer: InProcessClientWriter(call: call), inbound: clientInbound)
    }
}

/// The shared state of one in-process call.
final class InProcessCall: Sendable {
    let serverInbound: RPCInboundStream
    let clientInbound: RPCInboundStream
    let toServerWindow: FlowWindow
    let toClientWindow: FlowWindow
    private let state = NIOLockedValueBox((closed: false, handler: Task<Void, Never>?.none, timer: Task<Void, Never>?.none))

    init(serverInbound: RPCInboundStream, clientInbound: RPCInboundStream, toServerWindow: FlowWindow, toClientWindow: FlowWindow) {
        self.serverInbound = serverInbound
        self.clientInbound = clientInbound
        self.toServerWindow = toServerWindow
        self.toClientWindow = toClientWindow
    }

    func start(handler: Task<Void, Never>, deadline: ContinuousClock.Instant?) {
        var timer: Task<Void, Never>?
        if let deadline {
            timer = Task {
                try? await Task.sleep(until: deadline)
                guard !Task.isCancelled else { return }
                self.abort(RPCError(code: .deadlineExceeded, message: "deadline exceeded"))
            }
        }
        self.state.withLockedValue { $0.handler = handler; $0.timer = timer }
    }

    /// Marks the call closed; only the first caller gets `true`.
    func close() -> Bool {
        let (first, timer) = self.state.withLockedValue { state -> (Bool, Task<Void, Never>?) in
            guard !state.closed else { return (false, nil) }
            state.closed = true
            return (true, state.timer)
        }
        timer?.cancel()
        return first
    }

    var isClosed: Bool { self.state.withLockedValue { $0.closed } }

    /// Ends the call from the client side (cancel, deadline): both sides see `error`.
    func abort(_ error: RPCError) {
        guard self.close() else { return }
        let handler = self.state.withLockedValue { $0.handler }
        self.clientInbound.fail(error)
        self.serverInbound.fail(error)
        self.toServerWindow.fail(error)
        self.toClientWindow.fail(error)
        handler?.cancel()
    }
}

struct InProcessServerWriter: ServerStreamWriter {
    let call: InProcessCall

    func writeHeaders(_ metadata: Metadata) {
        self.call.clientInbound.deliverHeaders(metadata)
    }

    func write(_ message: ByteBuffer) async throws {
        guard !self.call.isClosed else { throw RPCError(code: .cancelled, message: "the call has ended") }
        try await self.call.toClientWindow.reserve(message.readableBytes)
        self.call.clientInbound.deliver(message)
    }

    func writeLast(_ message: ByteBuffer, status: Status, trailers: Metadata) {
        guard self.call.close() else { return }
        self.call.clientInbound.deliver(message)
        self.call.clientInbound.finish(status: status, trailers: trailers)
        self.call.toServerWindow.fail(RPCError(code: .cancelled, message: "the call has ended"))
    }

    func finish(status: Status, trailers: Metadata) {
        guard self.call.close() else { return }
        self.call.clientInbound.finish(status: status, trailers: trailers)
        self.call.toServerWindow.fail(RPCError(code: .cancelled, message: "the call has ended"))
    }
}

struct InProcessClientWriter: ClientStreamWriter {
    let call: InProcessCall

    func write(_ message: ByteBuffer) async throws {
        guard !self.call.isClosed else { throw RPCError(code: .cancelled, message: "the call has ended") }
        try await self.call.toServerWindow.reserve(message.readableBytes)
        self.call.serverInbound.deliver(message)
    }

    func finish() {
        self.call.serverInbound.finish()
    }

    func cancel() {
        self.call.abort(RPCError(code: .cancelled, message: "the call was cancelled"))
    }
}

import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import SextantRPC
import SextantWire

/// One accepted connection: reads frames, opens a task per call, and routes frames to calls.
///
/// Runs on the connection's event loop. Calls run in tasks (on this event loop by default, see
/// `NIOServerTransport.Configuration.handlerExecution`) and answer through the ``FrameOutbox``.
final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = Frame

    private let server: RPCServer
    private let configuration: NIOServerTransport.Configuration
    private let logger: Logger
    private let registry: ServerConnectionRegistry
    private var connection: ServerConnection?
    private var peer = PeerSettings(.defaults)
    private var caller: ServiceIdentity?
    private var receivedPreface = false
    private var lastStreamID: UInt32 = 0
    private var keepalive: Keepalive?

    init(server: RPCServer, configuration: NIOServerTransport.Configuration, registry: ServerConnectionRegistry, logger: Logger) {
        self.server = server
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let connection = ServerConnection(channel: context.channel)
        self.connection = connection
        self.registry.add(connection)
        // The preface is written at once; NIOSSL holds it until the handshake completes.
        var preface = context.channel.allocator.buffer(capacity: 64)
        ConnectionPreface.write(settings: self.configuration.connection.settings, into: &preface)
        context.writeAndFlush(Self.wrapOutboundOut(preface), promise: nil)
        self.keepalive = Keepalive(
            context: context,
            interval: self.configuration.connection.keepaliveInterval,
            timeout: self.configuration.connection.keepaliveTimeout,
            outbox: connection.outbox
        )
    }

    typealias OutboundOut = ByteBuffer

    func channelInactive(context: ChannelHandlerContext) {
        self.keepalive?.stop()
        if let connection = self.connection {
            connection.closed(reason: RPCError(code: .unavailable, message: "the connection closed"))
            self.registry.remove(connection)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let frameError = error as? FrameError {
            self.logger.debug("closing connection after a framing error", metadata: ["error": "\(frameError)"])
            self.connection?.goAway(code: frameError.code, message: frameError.message)
            self.connection?.outbox.flush()
        } else {
            self.logger.debug("closing connection after an error", metadata: ["error": "\(error)"])
        }
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        self.keepalive?.frameReceived()
        do {
            try self.process(frame, context: context)
        } catch let error as FrameError {
            self.errorCaught(context: context, error: error)
        } catch {
            self.errorCaught(context: context, error: FrameError(code: .internalError, message: "\(error)"))
        }
    }

    private func process(_ frame: Frame, context: ChannelHandlerContext) throws {
        guard let connection = self.connection else { return }
        if !self.receivedPreface {
            guard frame.kind == .settings else {
                throw FrameError(code: .protocolError, message: "expected SETTINGS after the preface, received \(frame.kind)")
            }
        }
        switch frame.kind {
        case .settings:
            try self.receiveSettings(frame, context: context)
        case .headers:
            try self.openStream(frame, connection: connection, context: context)
        case .message:
            guard let stream = connection.streams[frame.streamID] else {
                try self.checkKnownStream(frame)
                return
            }
            // A half-close carries no message and needs no credit.
            if frame.flags.contains(.noMessage) {
                stream.inbound.finish()
                return
            }
            guard stream.credit.receive(frame.payload.readableBytes) else {
                throw FrameError(code: .flowControlError, message: "MESSAGE on stream \(frame.streamID) exceeds the flow-control window")
            }
            do {
                let payload = try messagePayload(
                    of: frame,
                    maxMessageSize: Int(self.configuration.connection.settings.maxFrameSize),
                    acceptsZlib: self.configuration.connection.settings.compression.contains("zlib")
                )
                stream.inbound.deliver(payload, wireSize: frame.payload.readableBytes, endStream: frame.flags.contains(.endStream))
            } catch let error as RPCError {
                self.failStream(stream, status: error.status, connection: connection)
            }
        case .cancel:
            if let stream = connection.streams.remove(frame.streamID), stream.markClosed() {
                stream.fail(RPCError(code: .cancelled, message: "the client cancelled the call"))
                connection.closeIfIdle()
            }
        case .windowUpdate:
            guard frame.payload.readableBytes == 4, let increment = frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt32.self),
                increment > 0, frame.streamID != 0
            else {
                throw FrameError(code: .protocolError, message: "malformed WINDOW_UPDATE")
            }
            connection.streams[frame.streamID]?.sendWindow.release(Int(increment))
        case .ping:
            connection.outbox.enqueue(kind: .pong, streamID: 0, payload: frame.payload)
        case .pong:
            break
        case .goAway:
            // The client will open nothing new; calls in flight still finish.
            break
        default:
            throw FrameError(code: .protocolError, message: "unexpected \(frame.kind) frame from a client")
        }
    }

    private func checkKnownStream(_ frame: Frame) throws {
        // Frames for streams that already ended are dropped; ids never opened are an error.
        if frame.streamID == 0 || frame.streamID > self.lastStreamID {
            throw FrameError(code: .protocolError, message: "\(frame.kind) on stream \(frame.streamID), which was never opened")
        }
    }

    private func receiveSettings(_ frame: Frame, context: ChannelHandlerContext) throws {
        guard frame.streamID == 0 else {
            throw FrameError(code: .protocolError, message: "SETTINGS on stream \(frame.streamID)")
        }
        let settings: ConnectionSettings
        do {
            settings = try WireDecoder().decode(ConnectionSettings.self, from: frame.payload)
        } catch {
            throw FrameError(code: .protocolError, message: "SETTINGS payload does not decode: \(error)")
        }
        self.peer = PeerSettings(settings)
        if !self.receivedPreface {
            self.receivedPreface = true
            // Data arrived, so the TLS handshake is complete: the client's certificate is known.
            // A certificate from the suite CA that names no service identity gets no connection.
            switch self.configuration.clientAuthentication.kind {
            case .none(let callerIdentity):
                // No certificate was asked for: every call carries the port's fixed caller.
                self.caller = callerIdentity
            case .mutualTLS:
                do {
                    self.caller = try PeerIdentity.read(from: context.pipeline.syncOperations)
                } catch {
                    throw FrameError(code: .protocolError, message: "the client certificate names no Sextant service identity")
                }
            }
        }
    }

    private func openStream(_ frame: Frame, connection: ServerConnection, context: ChannelHandlerContext) throws {
        let id = frame.streamID
        guard id > self.lastStreamID else {
            throw FrameError(code: .protocolError, message: "HEADERS opens stream \(id), not above the last stream \(self.lastStreamID)")
        }
        self.lastStreamID = id
        connection.lastStreamID = id
        let sender = MessageSender(configuration: self.configuration.connection, peer: self.peer)
        let stream = StreamState(
            id: id,
            outbox: connection.outbox,
            receiveWindow: Int(self.configuration.connection.settings.initialWindowSize),
            sendWindow: self.peer.initialWindowSize
        )
        let writer = NIOServerStreamWriter(stream: stream, connection: connection, sender: sender)
        guard !connection.isGoingAway else {
            writer.finish(status: Status(code: .unavailable, message: "the server is shutting down"), trailers: [:])
            return
        }
        guard connection.streams.count < Int(self.configuration.connection.settings.maxConcurrentStreams) else {
            writer.finish(
                status: Status(
                    code: .resourceExhausted,
                    message: "too many concurrent streams (max: \(self.configuration.connection.settings.maxConcurrentStreams))"
                ),
                trailers: [:]
            )
            return
        }
        let headers: RequestHeadersPayload
        do {
            headers = try WireDecoder().decode(RequestHeadersPayload.self, from: frame.payload)
        } catch let error as DecodingError {
            writer.finish(
                status: Status(code: .invalidArgument, message: "request headers do not decode: \(MessageCoding.describe(error))"),
                trailers: [:]
            )
            return
        }
        connection.streams.insert(stream, id: id)
        if frame.flags.contains(.endStream) { stream.inbound.finish() }

        let deadline = headers.timeoutMicroseconds.map { ContinuousClock.now + .microseconds(Int64(clamping: $0)) }
        let head = ServerCallHead(method: headers.method, deadline: deadline, metadata: headers.metadata, caller: self.caller)
        let call = ServerStream(head: head, inbound: stream.inbound, writer: writer)
        let server = self.server
        let task: Task<Void, Never>
        switch self.configuration.handlerExecution.kind {
        case .eventLoop:
            task = Task(executorPreference: connection.executor) { await server.handle(call) }
        case .global:
            task = Task { await server.handle(call) }
        }
        stream.attach(task: task)
        if let deadline {
            let timer = context.eventLoop.scheduleTask(in: deadline.timeAmountFromNow) {
                // The deadline passed: answer now, whatever the handler does next.
                writer.finish(status: Status(code: .deadlineExceeded, message: "deadline exceeded while running \(headers.method)"), trailers: [:])
                stream.fail(RPCError(code: .deadlineExceeded, message: "deadline exceeded"))
            }
            stream.attach(deadlineTimer: timer)
        }
    }

    private func failStream(_ stream: StreamState, status: Status, connection: ServerConnection) {
        let writer = NIOServerStreamWriter(
            stream: stream,
            connection: connection,
            sender: MessageSender(configuration: self.configuration.connection, peer: self.peer)
        )
        writer.finish(status: status, trailers: [:])
        stream.fail(RPCError(code: status.code, message: status.message))
    }
}

/// The parts of a server connection that tasks and the transport reach from other threads.
final class ServerConnection: Sendable {
    let channel: any Channel
    let outbox: FrameOutbox
    let streams = StreamTable<StreamState>()
    let executor: EventLoopTaskExecutor
    private let state = NIOLockedValueBox((goingAway: false, lastStreamID: UInt32(0)))

    init(channel: any Channel) {
        self.channel = channel
        self.outbox = FrameOutbox(channel: channel)
        self.executor = EventLoopTaskExecutor(eventLoop: channel.eventLoop)
    }

    var isGoingAway: Bool { self.state.withLockedValue { $0.goingAway } }

    /// The highest stream id the client opened.
    var lastStreamID: UInt32 {
        get { self.state.withLockedValue { $0.lastStreamID } }
        set { self.state.withLockedValue { $0.lastStreamID = newValue } }
    }

    /// Sends GOAWAY; new streams are refused from now on.
    func goAway(code: GoAway.ErrorCode, message: String) {
        let lastStreamID = self.state.withLockedValue { state -> UInt32 in
            state.goingAway = true
            return state.lastStreamID
        }
        self.outbox.enqueue(kind: .goAway, streamID: 0, value: GoAway(lastStreamID: lastStreamID, errorCode: code, message: message))
    }

    /// Starts a graceful shutdown: GOAWAY now, close once the last call has finished.
    func beginGracefulShutdown() {
        self.goAway(code: .noError, message: "the server is shutting down")
        self.closeIfIdle()
    }

    /// Closes the channel if the connection is going away and no call is left.
    func closeIfIdle() {
        guard self.isGoingAway, self.streams.count == 0 else { return }
        self.channel.eventLoop.execute {
            self.outbox.flush()
            self.channel.close(promise: nil)
        }
    }

    /// The connection is gone: every call fails and its task is cancelled.
    func closed(reason: RPCError) {
        self.outbox.close()
        for stream in self.streams.removeAll() where stream.markClosed() {
            stream.fail(reason)
        }
    }
}

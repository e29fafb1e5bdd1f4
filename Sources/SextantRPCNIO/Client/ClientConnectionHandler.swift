import NIOCore
import NIOSSL
import SextantRPC
import SextantWire

/// Reads a client connection's frames and routes them to its calls. Runs on the event loop.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = Frame
    typealias OutboundOut = ByteBuffer

    private let configuration: ConnectionConfiguration
    private let expectedServer: ServiceIdentity?
    private let ready: EventLoopPromise<ClientConnection>
    private let onEvent: @Sendable (ClientConnection, ClientConnectionEvent) -> Void
    private var connection: ClientConnection?
    private var receivedSettings = false
    private var keepalive: Keepalive?

    init(
        configuration: ConnectionConfiguration,
        expectedServer: ServiceIdentity?,
        ready: EventLoopPromise<ClientConnection>,
        onEvent: @escaping @Sendable (ClientConnection, ClientConnectionEvent) -> Void
    ) {
        self.configuration = configuration
        self.expectedServer = expectedServer
        self.ready = ready
        self.onEvent = onEvent
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let connection = ClientConnection(channel: context.channel, configuration: self.configuration)
        self.connection = connection
        var preface = context.channel.allocator.buffer(capacity: 64)
        ConnectionPreface.write(settings: self.configuration.settings, into: &preface)
        context.writeAndFlush(Self.wrapOutboundOut(preface), promise: nil)
        self.keepalive = Keepalive(
            context: context,
            interval: self.configuration.keepaliveInterval,
            timeout: self.configuration.keepaliveTimeout,
            outbox: connection.outbox
        )
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.keepalive?.stop()
        self.ready.fail(RPCError(code: .unavailable, message: "the connection closed before the server's SETTINGS arrived"))
        if let connection = self.connection {
            connection.closed(reason: RPCError(code: .unavailable, message: "the connection to the server closed"))
            self.onEvent(connection, .closed)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let frameError = error as? FrameError, let connection = self.connection {
            connection.outbox.enqueue(
                kind: .goAway,
                streamID: 0,
                value: GoAway(lastStreamID: 0, errorCode: frameError.code, message: frameError.message)
            )
            connection.outbox.flush()
        }
        self.ready.fail(RPCError(code: .unavailable, message: "connection failed: \(error)"))
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        self.keepalive?.frameReceived()
        do {
            try self.process(frame, context: context)
        } catch {
            self.errorCaught(context: context, error: error)
        }
    }

    private func process(_ frame: Frame, context: ChannelHandlerContext) throws {
        guard let connection = self.connection else { return }
        if !self.receivedSettings, frame.kind != .settings {
            throw FrameError(code: .protocolError, message: "expected SETTINGS after the preface, received \(frame.kind)")
        }
        switch frame.kind {
        case .settings:
            let settings: ConnectionSettings
            do {
                settings = try WireDecoder().decode(ConnectionSettings.self, from: frame.payload)
            } catch {
                throw FrameError(code: .protocolError, message: "SETTINGS payload does not decode: \(error)")
            }
            connection.peer = PeerSettings(settings)
            if !self.receivedSettings {
                self.receivedSettings = true
                try self.checkServerIdentity(context: context)
                self.ready.succeed(connection)
            }
        case .headers:
            guard let stream = connection.streams[frame.streamID] else { return }
            let headers = try? WireDecoder().decode(ResponseHeadersPayload.self, from: frame.payload)
            stream.inbound.deliverHeaders(headers?.metadata ?? [:])
        case .message:
            guard let stream = connection.streams[frame.streamID] else { return }
            guard stream.credit.receive(frame.payload.readableBytes) else {
                throw FrameError(code: .flowControlError, message: "MESSAGE on stream \(frame.streamID) exceeds the flow-control window")
            }
            do {
                let payload = try messagePayload(
                    of: frame,
                    maxMessageSize: Int(self.configuration.settings.maxFrameSize),
                    acceptsZlib: self.configuration.settings.compression.contains("zlib")
                )
                stream.inbound.deliver(payload, wireSize: frame.payload.readableBytes)
            } catch let error as RPCError {
                if stream.markClosed() {
                    connection.streams.remove(stream.id)
                    connection.outbox.enqueue(kind: .cancel, streamID: stream.id, payload: ByteBuffer())
                    stream.fail(error)
                }
            }
        case .status:
            guard let stream = connection.streams.remove(frame.streamID), stream.markClosed() else { return }
            do {
                let payload = try WireDecoder().decode(StatusPayload.self, from: frame.payload)
                stream.inbound.finish(status: payload.status, trailers: payload.trailers ?? [:])
            } catch let error as DecodingError {
                stream.inbound.fail(RPCError(code: .internalError, message: "STATUS does not decode: \(MessageCoding.describe(error))"))
            }
            stream.sendWindow.fail(RPCError(code: .cancelled, message: "the call has ended"))
        case .windowUpdate:
            guard frame.payload.readableBytes == 4,
                let increment = frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt32.self), increment > 0
            else {
                throw FrameError(code: .protocolError, message: "malformed WINDOW_UPDATE")
            }
            connection.streams[frame.streamID]?.sendWindow.release(Int(increment))
        case .ping:
            connection.outbox.enqueue(kind: .pong, streamID: 0, payload: frame.payload)
        case .pong:
            break
        case .goAway:
            let goAway = (try? WireDecoder().decode(GoAway.self, from: frame.payload))
                ?? GoAway(lastStreamID: 0, errorCode: .internalError, message: "undecodable GOAWAY")
            connection.markDraining()
            for stream in connection.streams.removeAll(above: goAway.lastStreamID) where stream.markClosed() {
                stream.fail(RPCError(code: .unavailable, message: "the server refused the call while going away; retry it"))
            }
            self.onEvent(connection, .draining)
            if connection.streams.count == 0 { context.close(promise: nil) }
        default:
            throw FrameError(code: .protocolError, message: "unexpected \(frame.kind) frame from a server")
        }
    }

    private func checkServerIdentity(context: ChannelHandlerContext) throws {
        guard let expected = self.expectedServer else { return }
        let presented = try? PeerIdentity.read(from: context.pipeline.syncOperations)
        guard presented == expected else {
            throw RPCError(
                code: .unavailable,
                message: "the server presented identity \(presented?.name ?? "(none)"), expected \(expected.name)"
            )
        }
    }
}

/// What a connection tells its transport.
enum ClientConnectionEvent: Sendable {
    /// GOAWAY received: open new calls elsewhere.
    case draining
    /// The connection closed.
    case closed
}

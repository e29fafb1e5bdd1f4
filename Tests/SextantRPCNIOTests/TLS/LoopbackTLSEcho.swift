import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import SextantRPC
import SextantRPCNIO

/// What one end of a loopback connection saw when its TLS handshake completed.
struct CompletedHandshake: Sendable, Equatable {
    /// The identity read from the peer's certificate with ``PeerIdentity``.
    var peer: ServiceIdentity
    /// The ALPN protocol both ends agreed on, if any.
    var applicationProtocol: String?
}

/// Thrown into a pending promise when the connection closes first.
struct ConnectionClosedEarly: Error, CustomStringConvertible {
    var waitingFor: String
    var description: String { "the connection closed before \(self.waitingFor)" }
}

/// Thrown by ``LoopbackTLSEcho/await(_:within:_:)`` when a future takes too long.
struct TimedOut: Error, CustomStringConvertible {
    var waitingFor: String
    var limit: TimeAmount
    var description: String { "timed out after \(self.limit) waiting for \(self.waitingFor)" }
}

/// Sits after the NIOSSL handler: reports the peer's identity at handshake completion, then either
/// echoes what it reads (server) or collects it (client).
final class IdentityEchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let handshake: EventLoopPromise<CompletedHandshake>
    private let echoes: Bool
    private let reply: EventLoopPromise<String>?
    private let expectedReplyLength: Int
    private var collected = ""

    init(
        handshake: EventLoopPromise<CompletedHandshake>,
        echoes: Bool,
        reply: EventLoopPromise<String>? = nil,
        expectedReplyLength: Int = 0
    ) {
        self.handshake = handshake
        self.echoes = echoes
        self.reply = reply
        self.expectedReplyLength = expectedReplyLength
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted(let negotiated) = event {
            do {
                let peer = try PeerIdentity.read(from: context.pipeline.syncOperations)
                self.handshake.succeed(CompletedHandshake(peer: peer, applicationProtocol: negotiated))
            } catch {
                self.handshake.fail(error)
                context.close(promise: nil)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if self.echoes {
            context.writeAndFlush(data, promise: nil)
            return
        }
        self.collected += String(buffer: self.unwrapInboundIn(data))
        if self.collected.utf8.count >= self.expectedReplyLength {
            self.reply?.succeed(self.collected)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Completing an already completed promise is a no-op, so only the first outcome counts.
        self.handshake.fail(error)
        self.reply?.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.handshake.fail(ConnectionClosedEarly(waitingFor: "the TLS handshake completed"))
        self.reply?.fail(ConnectionClosedEarly(waitingFor: "the echo arrived"))
        context.fireChannelInactive()
    }
}

/// A TLS echo server on 127.0.0.1, port 0, and a client to talk to it, for identity tests.
enum LoopbackTLSEcho {
    /// How long any single step may take before a test fails instead of hanging.
    static let limit: TimeAmount = .seconds(10)

    /// A running server and the handshake outcome of the first connection it accepts.
    struct Server {
        var channel: any Channel
        var firstHandshake: EventLoopFuture<CompletedHandshake>
        var port: Int { self.channel.localAddress?.port ?? 0 }
    }

    /// A connected client, its handshake outcome and the echo of `message`, sent once the handshake completes.
    struct Client {
        var channel: any Channel
        var handshake: EventLoopFuture<CompletedHandshake>
        var reply: EventLoopFuture<String>
    }

    static func startServer(configuration: TLSConfiguration) async throws -> Server {
        let context = try NIOSSLContext(configuration: configuration)
        let group = MultiThreadedEventLoopGroup.singleton
        let firstHandshake = group.next().makePromise(of: CompletedHandshake.self)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(
                        IdentityEchoHandler(handshake: firstHandshake, echoes: true)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return Server(channel: channel, firstHandshake: firstHandshake.futureResult)
    }

    static func connect(
        to port: Int,
        configuration: TLSConfiguration,
        message: String = "ping"
    ) async throws -> Client {
        let context = try NIOSSLContext(configuration: configuration)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let handshake = loop.makePromise(of: CompletedHandshake.self)
        let reply = loop.makePromise(of: String.self)
        let channel = try await ClientBootstrap(group: loop)
            .connectTimeout(Self.limit)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: context, serverHostname: nil)
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        IdentityEchoHandler(
                            handshake: handshake,
                            echoes: false,
                            reply: reply,
                            expectedReplyLength: message.utf8.count
                        )
                    )
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        handshake.futureResult.whenSuccess { _ in
            channel.writeAndFlush(ByteBuffer(string: message), promise: nil)
        }
        return Client(channel: channel, handshake: handshake.futureResult, reply: reply.futureResult)
    }

    /// Waits for `future`, failing with ``TimedOut`` after `limit` instead of hanging the test run.
    static func await<Value: Sendable>(
        _ future: EventLoopFuture<Value>,
        within limit: TimeAmount = LoopbackTLSEcho.limit,
        _ waitingFor: String
    ) async throws -> Value {
        let bounded = future.eventLoop.makePromise(of: Value.self)
        let timeout = future.eventLoop.scheduleTask(in: limit) {
            bounded.fail(TimedOut(waitingFor: waitingFor, limit: limit))
        }
        future.whenComplete { result in
            timeout.cancel()
            bounded.completeWith(result)
        }
        return try await bounded.futureResult.get()
    }

    /// Waits for `future` to fail within the limit, returning its error; a success is reported as `nil`
    /// so the caller can `#expect` on it.
    static func awaitFailure<Value: Sendable>(
        _ future: EventLoopFuture<Value>,
        _ waitingFor: String
    ) async throws -> (any Error)? {
        do {
            _ = try await Self.await(future, waitingFor)
            return nil
        } catch let error as TimedOut {
            throw error
        } catch {
            return error
        }
    }
}

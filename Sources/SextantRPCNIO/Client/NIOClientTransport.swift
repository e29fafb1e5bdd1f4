public import NIOCore
import NIOConcurrencyHelpers
public import NIOPosix
import NIOSSL
public import SextantRPC
import SextantWire

/// Calls one server over TCP with TLS 1.3 and mutual authentication, multiplexing every call on
/// one connection.
///
/// The connection is made on the first call and remade after it closes or the server sends
/// GOAWAY. After a failed attempt, calls fail fast with `unavailable` until the backoff delay has
/// passed (exponential, with jitter); the next call then tries again.
/// ```swift
/// let transport = NIOClientTransport(host: "127.0.0.1", port: 7100, tls: identity, server: .ingestService)
/// let client = RPCClient(transport: transport)
/// ```
public final class NIOClientTransport: ClientTransport {
    /// Reconnection delays: `initial × multiplier^n`, capped at `maximum`, then ± `jitter`.
    public struct Backoff: Sendable, Hashable {
        /// First delay. Default: 100 ms.
        public var initial: Duration
        /// Growth per failed attempt. Default: 1.6.
        public var multiplier: Double
        /// Largest delay before jitter. Default: 5 s.
        public var maximum: Duration
        /// Random spread as a fraction of the delay. Default: 0.2.
        public var jitter: Double

        /// The defaults listed on each property.
        public static var defaults: Backoff { Backoff(initial: .milliseconds(100), multiplier: 1.6, maximum: .seconds(5), jitter: 0.2) }

        /// Creates a backoff policy.
        public init(initial: Duration, multiplier: Double, maximum: Duration, jitter: Double) {
            self.initial = initial
            self.multiplier = multiplier
            self.maximum = maximum
            self.jitter = jitter
        }

        /// The delay after `failures` consecutive failed attempts (1 or more).
        public func delay(afterFailures failures: Int) -> Duration {
            let base = Double(self.initial.components.seconds) + Double(self.initial.components.attoseconds) / 1e18
            let cap = Double(self.maximum.components.seconds) + Double(self.maximum.components.attoseconds) / 1e18
            var grown = base
            for _ in 1..<max(1, failures) where grown < cap { grown *= self.multiplier }
            grown = min(cap, grown)
            let spread = grown * self.jitter * Double.random(in: -1...1)
            return .nanoseconds(Int64((grown + spread) * 1e9))
        }
    }

    /// Client settings.
    public struct Configuration: Sendable {
        /// Connection-level settings. Default: ``ConnectionConfiguration/defaults``.
        public var connection: ConnectionConfiguration
        /// Time allowed for TCP connect, TLS handshake and the server's SETTINGS. Default: 5 s.
        public var connectTimeout: TimeAmount
        /// Reconnection delays. Default: ``Backoff/defaults``.
        public var backoff: Backoff

        /// The defaults listed on each property.
        public static var defaults: Configuration {
            Configuration(connection: .defaults, connectTimeout: .seconds(5), backoff: .defaults)
        }

        /// The defaults, adjusted by `configure`.
        public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration.defaults
            configure(&configuration)
            return configuration
        }

        /// Creates a configuration.
        public init(connection: ConnectionConfiguration, connectTimeout: TimeAmount, backoff: Backoff) {
            self.connection = connection
            self.connectTimeout = connectTimeout
            self.backoff = backoff
        }
    }

    private enum State {
        case idle(failures: Int, retryAt: ContinuousClock.Instant?, lastError: String?)
        case connecting(EventLoopFuture<ClientConnection>, previousFailures: Int)
        case ready(ClientConnection)
        case shutDown
    }

    private let host: String
    private let port: Int
    private let sslContext: NIOSSLContext
    private let server: ServiceIdentity?
    private let configuration: Configuration
    private let eventLoop: any EventLoop
    private let state = NIOLockedValueBox(State.idle(failures: 0, retryAt: nil, lastError: nil))

    /// Creates a transport; nothing connects until the first call.
    /// - Parameters:
    ///   - host: The server's address.
    ///   - port: The server's port.
    ///   - tls: This client's certificate, key and the suite CA.
    ///   - server: The identity the server must present; `nil` accepts any suite identity.
    ///   - configuration: Settings; default ``Configuration/defaults``.
    ///   - group: Event loops; default NIO's shared singleton group. The connection stays on one loop.
    /// - Throws: When the TLS configuration is unusable.
    public init(
        host: String,
        port: Int,
        tls: TLSIdentity,
        server: ServiceIdentity?,
        configuration: Configuration = .defaults,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        self.host = host
        self.port = port
        self.sslContext = try NIOSSLContext(configuration: tls.makeClientConfiguration())
        self.server = server
        self.configuration = configuration
        self.eventLoop = group.next()
        self.executor = EventLoopTaskExecutor(eventLoop: self.eventLoop)
    }

    /// Runs tasks on the event loop that owns this transport's connection. Callers that make many
    /// small calls can prefer it (`Task(executorPreference:)`) to avoid a thread hop per call.
    public let executor: EventLoopTaskExecutor

    public func openStream(_ head: ClientCallHead, firstMessage: ByteBuffer?, endStream: Bool) async throws -> ClientStream {
        // A GOAWAY can land between getting the connection and opening the stream: try once more.
        for attempt in 0..<2 {
            let connection = try await self.connection()
            do {
                return try connection.openStream(head, firstMessage: firstMessage, endStream: endStream)
            } catch let error as RPCError where error.code == .unavailable && attempt == 0 {
                self.forget(connection)
            }
        }
        throw RPCError(code: .unavailable, message: "no usable connection to \(self.host):\(self.port)")
    }

    /// Closes the connection; calls in flight fail with `unavailable`, later calls too.
    public func close() async {
        let current = self.state.withLockedValue { state -> State in
            defer { state = .shutDown }
            return state
        }
        switch current {
        case .ready(let connection):
            try? await connection.channel.close()
        case .connecting(let future, _):
            if let connection = try? await future.get() { try? await connection.channel.close() }
        case .idle, .shutDown:
            break
        }
    }

    private enum Next {
        case use(ClientConnection)
        case wait(EventLoopFuture<ClientConnection>)
        case fail(RPCError)
        case connect(EventLoopPromise<ClientConnection>)
    }

    private func connection() async throws -> ClientConnection {
        let next = self.state.withLockedValue { state -> Next in
            switch state {
            case .ready(let connection) where !connection.isUnusable:
                return .use(connection)
            case .connecting(let future, _):
                return .wait(future)
            case .idle(_, let retryAt?, let lastError) where retryAt > .now:
                return .fail(
                    RPCError(
                        code: .unavailable,
                        message: "cannot reach \(self.host):\(self.port) (\(lastError ?? "unknown error")); retrying after a backoff"
                    )
                )
            case .shutDown:
                return .fail(RPCError(code: .unavailable, message: "the transport was closed"))
            case .idle(let failures, _, _):
                let promise = self.eventLoop.makePromise(of: ClientConnection.self)
                state = .connecting(promise.futureResult, previousFailures: failures)
                return .connect(promise)
            case .ready:
                let promise = self.eventLoop.makePromise(of: ClientConnection.self)
                state = .connecting(promise.futureResult, previousFailures: 0)
                return .connect(promise)
            }
        }
        switch next {
        case .use(let connection):
            return connection
        case .fail(let error):
            throw error
        case .wait(let future):
            return try await Self.await(future)
        case .connect(let promise):
            self.startConnecting(promise)
            return try await Self.await(promise.futureResult)
        }
    }

    private static func await(_ future: EventLoopFuture<ClientConnection>) async throws -> ClientConnection {
        do {
            return try await future.get()
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .unavailable, message: "cannot connect: \(error)")
        }
    }

    private func startConnecting(_ promise: EventLoopPromise<ClientConnection>) {
        let configuration = self.configuration
        let sslContext = self.sslContext
        let server = self.server
        let ready = self.eventLoop.makePromise(of: ClientConnection.self)
        let connect = ClientBootstrap(group: self.eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.maxMessagesPerRead, value: 16)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: nil))
                    try sync.addHandler(
                        ByteToMessageHandler(FrameDecoder(maxFrameSize: Int(configuration.connection.settings.maxFrameSize)))
                    )
                    try sync.addHandler(
                        ClientConnectionHandler(
                            configuration: configuration.connection,
                            expectedServer: server,
                            ready: ready,
                            onEvent: { [weak self] connection, _ in self?.forget(connection) }
                        )
                    )
                }
            }
            .connect(host: self.host, port: self.port)
        connect.whenSuccess { channel in
            // The handshake and SETTINGS must also arrive within the connect timeout.
            let timeout = channel.eventLoop.scheduleTask(in: configuration.connectTimeout) {
                ready.fail(RPCError(code: .unavailable, message: "no SETTINGS from the server within the connect timeout"))
                channel.close(promise: Optional<EventLoopPromise<Void>>.none)
            }
            ready.futureResult.whenComplete { _ in timeout.cancel() }
        }
        connect.whenFailure { ready.fail($0) }
        ready.futureResult.whenComplete { result in
            self.state.withLockedValue { state in
                guard case .connecting(_, let previousFailures) = state else { return }
                switch result {
                case .success(let connection):
                    state = .ready(connection)
                case .failure(let error):
                    let failures = previousFailures + 1
                    state = .idle(
                        failures: failures,
                        retryAt: .now + configuration.backoff.delay(afterFailures: failures),
                        lastError: "\(error)"
                    )
                }
            }
        }
        promise.completeWith(ready.futureResult)
    }

    /// Stops using `connection` for new calls (it closed or is draining).
    private func forget(_ connection: ClientConnection) {
        self.state.withLockedValue { state in
            if case .ready(let current) = state, current === connection {
                state = .idle(failures: 0, retryAt: nil, lastError: nil)
            }
        }
    }
}
